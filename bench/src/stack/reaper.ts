// If the harness itself dies without cleaning up (SIGKILL, a crash before its handlers run), a
// detached watcher stops the processes it started and removes the temp folder. It only acts
// once the harness's pid is gone and the folder still exists (a normal cleanup removes it).
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `
h="$1"; d="$2"
while kill -0 "$h" 2>/dev/null; do sleep 1; done
[ -d "$d" ] || exit 0
if [ -f "$d/.pids" ]; then
  for p in $(cat "$d/.pids"); do kill -TERM "$p" 2>/dev/null; done
  sleep 5
  for p in $(cat "$d/.pids"); do kill -KILL "$p" 2>/dev/null; done
fi
rm -rf "$d"
`;

export interface Reaper {
  track(pid: number | undefined): void;
}

export function startReaper(dir: string): Reaper {
  const file = join(dir, '.pids');
  const child = spawn('sh', ['-c', SCRIPT, 'reaper', String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return {
    track(pid) {
      if (pid) appendFileSync(file, `${pid}\n`);
    },
  };
}
