// An admin's browser, as far as the benchmark needs one: log in to bff over HTTP (login form
// CSRF token and cookie, then the session cookie) and GET pages with the session.
export interface BffClient {
  /** GET a path (with query) under the bff's base path; resolves with status and body length. */
  get(path: string): Promise<{ status: number; bytes: number }>;
}

class Jar {
  private cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      const [k, v] = [pair.slice(0, i), pair.slice(i + 1)];
      if (v === '' || /max-age=0/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }
}

export async function loginToBff(o: {
  url: string;
  email: string;
  password: string;
}): Promise<BffClient> {
  const jar = new Jar();
  const page = await fetch(`${o.url}/login`, { redirect: 'manual' });
  jar.take(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('bff login page has no CSRF token');
  const res = await fetch(`${o.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: o.email, password: o.password, _csrf: csrf }),
  });
  jar.take(res);
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`bff login answered ${res.status}`);
  return {
    async get(path) {
      const r = await fetch(`${o.url}${path}`, {
        redirect: 'manual',
        headers: { cookie: jar.header() },
      });
      const body = await r.arrayBuffer();
      return { status: r.status, bytes: body.byteLength };
    },
  };
}
