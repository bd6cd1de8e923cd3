// A cookie jar for the test clients (in-process and over HTTP): what the bff sets, sent back.
/** The `cookie` request header for a jar. */
export const cookieHeader = (jar: Map<string, string>): string =>
  [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** Keeps what a response's Set-Cookie headers set, and forgets what they clear. */
export function keepCookies(jar: Map<string, string>, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    const [k, v] = [pair!.slice(0, i), pair!.slice(i + 1)];
    if (v === '' || /max-age=0/i.test(c)) jar.delete(k);
    else jar.set(k, v);
  }
}
