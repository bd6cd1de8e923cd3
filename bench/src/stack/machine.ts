// Facts for the report's header: the machine, the runtimes and servers, the code measured.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { secantusBinary } from '@ue/testing';

export interface MachineFacts {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  secantus: string;
  redis: string;
  kernel: string;
}

const run = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
};

export function machineFacts(): MachineFacts {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  const redis = /v=(\S+)/.exec(run('redis-server', ['--version']))?.[1] ?? 'unknown';
  return {
    cpu: model ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    secantus: run(secantusBinary(), ['--version']).split('\n')[0] || 'unknown',
    redis,
    kernel: run('uname', ['-r']),
  };
}

/** "abc1234" or "abc1234 + uncommitted changes" for a checkout. */
export function commitOf(root: string): string {
  const sha = run('git', ['-C', root, 'rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = run('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${sha} + uncommitted changes` : sha;
}
