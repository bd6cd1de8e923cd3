// Read a request body as raw bytes, refusing more than maxBytes without buffering the excess.
//
// A refused body is still read to its end (and discarded) for a bounded time, up to maxBytes
// more: the connection is then closed by the server after its 413 (`Connection: close`) with
// nothing left unread, so the client gets the answer and a clean FIN instead of a reset.

export type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' };

/** How long a refused body is read on (and thrown away) before the connection is closed anyway. */
const DISCARD_MS = 2000;

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/** Read and drop the rest of the body while it fits `budget` bytes and DISCARD_MS. */
async function discardRest(reader: Reader, budget: number): Promise<void> {
  const deadline = Date.now() + DISCARD_MS;
  let seen = 0;
  while (seen <= budget && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), deadline - Date.now());
    });
    const next = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
    if (next === undefined) break;
    if (next.done) return;
    seen += next.value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
}

export async function readBodyLimited(req: Request, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (!req.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Far too large to be worth reading: answer at once (the client may see a reset).
    if (declared <= 2 * maxBytes) await discardRest(reader, declared);
    else await reader.cancel().catch(() => undefined);
    return { ok: false, reason: 'too_large' };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await discardRest(reader, maxBytes);
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}
