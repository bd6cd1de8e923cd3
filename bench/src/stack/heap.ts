// A running service's memory after a full garbage collection, read through its V8 inspector.
// RSS alone cannot tell a leak from a heap that V8 lets grow toward its limits between full
// collections; the live heap after a forced collection can. The harness starts every Node
// service with `--inspect=127.0.0.1:0` (loopback only, a port the process picks itself); the
// inspector's WebSocket address is in the service's stderr. The protocol is the Chrome
// DevTools Protocol: HeapProfiler.collectGarbage, then Runtime.evaluate of process.memoryUsage().

export interface HeapReading {
  /** V8 heap in use after the collection, bytes. */
  heapUsed: number;
  /** Memory of C++ objects bound to JS objects (Buffers included), bytes. */
  external: number;
  /** ArrayBuffers and Buffers (part of external), bytes. */
  arrayBuffers: number;
  /** Resident set size right after the collection, bytes. */
  rss: number;
}

/** The inspector's WebSocket address from a process's output ("Debugger listening on ws://…"). */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/** NODE_OPTIONS for a service: the caller's own (e.g. --cpu-prof) plus a loopback inspector. */
export function withInspector(nodeOptions: string | undefined): string {
  return [nodeOptions, '--inspect=127.0.0.1:0'].filter(Boolean).join(' ');
}

interface Reply {
  id: number;
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}

/** Full collections (two, so objects freed by finalizers of the first go too), then the reading. */
export async function heapAfterGc(url: string, timeoutMs = 30_000): Promise<HeapReading> {
  const ws = new WebSocket(url);
  const waiting = new Map<number, (r: Reply) => void>();
  let next = 1;
  ws.addEventListener('message', (ev) => {
    const r = JSON.parse(String(ev.data)) as Reply;
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  const timer = setTimeout(() => ws.close(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error(`inspector ${url} refused`)), {
        once: true,
      });
    });
    const closed = new Promise<never>((_, reject) =>
      ws.addEventListener('close', () => reject(new Error(`inspector ${url} closed`)), {
        once: true,
      }),
    );
    const send = (method: string, params: object = {}): Promise<Reply> => {
      const id = next++;
      const answer = new Promise<Reply>((resolve) => waiting.set(id, resolve));
      ws.send(JSON.stringify({ id, method, params }));
      return Promise.race([answer, closed]).then((r) => {
        if (r.error) throw new Error(`${method}: ${r.error.message}`);
        return r;
      });
    };
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const r = await send('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const m = JSON.parse(String(r.result?.result?.value)) as NodeJS.MemoryUsage;
    return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
  } finally {
    clearTimeout(timer);
    ws.close();
  }
}
