// Progress lines on stderr (the report goes to stdout), with the time since the run started.
const t0 = Date.now();

export function log(line: string): void {
  const s = Math.round((Date.now() - t0) / 1000);
  const stamp = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  process.stderr.write(`[bench ${stamp}] ${line}\n`);
}
