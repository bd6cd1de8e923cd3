// List and replay dead letters (jobs that failed for good and are kept with their reason).
//
//   npm run dead-letters -w @ue/ingest -- list [--queue webhooks|outbound]
//   npm run dead-letters -w @ue/ingest -- replay <job-id>... | --all [--queue ...]
//
// Reads REDIS_URL and BULLMQ_PREFIX (default "bull"). Replaying moves the job back to the
// waiting list with its original body; applying it again is harmless (events are idempotent).
import { OUTBOUND_QUEUE } from '@ue/proto';
import { Queue, type Job } from 'bullmq';
import { loadDeadLetterCliConfig } from '../config.js';
import { WEBHOOK_QUEUE } from '../queue/webhook-queue.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

export interface DeadLetterArgs {
  command: 'list' | 'replay';
  queue: string;
  ids: string[];
  all: boolean;
}

export function parseArgs(argv: string[]): DeadLetterArgs | string {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'replay')
    return 'usage: dead-letters list|replay [<job-id>...|--all] [--queue webhooks|outbound]';
  let queue = WEBHOOK_QUEUE;
  const ids: string[] = [];
  let all = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--all') all = true;
    else if (a === '--queue') queue = rest[++i] ?? '';
    else ids.push(a);
  }
  if (queue !== WEBHOOK_QUEUE && queue !== OUTBOUND_QUEUE)
    return `unknown queue "${queue}" (webhooks or outbound)`;
  if (command === 'replay' && !all && ids.length === 0) return 'replay needs job ids or --all';
  return { command, queue, ids, all };
}

function describe(job: Job): string {
  const data = job.data as { receivedAt?: string; message_id?: string; messageId?: string };
  const when = job.finishedOn ? new Date(job.finishedOn).toISOString() : '?';
  const what = data.receivedAt
    ? `received ${data.receivedAt}`
    : `message ${data.messageId ?? data.message_id ?? '?'}`;
  return `${job.id}\tfailed ${when}\tattempts ${job.attemptsMade}\t${what}\t${job.failedReason}`;
}

export async function run(args: DeadLetterArgs, redisUrl: string, prefix: string): Promise<number> {
  const queue = new Queue(args.queue, {
    connection: { url: redisUrl, maxRetriesPerRequest: 2 },
    prefix,
  });
  try {
    if (args.command === 'list') {
      const jobs = await queue.getFailed(0, -1);
      for (const job of jobs) out(describe(job));
      out(`${jobs.length} dead letter(s) in ${prefix}:${args.queue}`);
      return 0;
    }
    const jobs = args.all
      ? await queue.getFailed(0, -1)
      : await Promise.all(args.ids.map((id) => queue.getJob(id)));
    let replayed = 0;
    let missing = 0;
    for (const [i, job] of jobs.entries()) {
      if (!job || !(await job.isFailed())) {
        out(`not a dead letter: ${job?.id ?? args.ids[i]}`);
        missing++;
        continue;
      }
      await job.retry('failed', { resetAttemptsMade: true });
      out(`replayed ${job.id}`);
      replayed++;
    }
    out(`${replayed} replayed`);
    return missing > 0 ? 1 : 0;
  } finally {
    await queue.close();
  }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    process.exit(2);
  }
  let cfg: ReturnType<typeof loadDeadLetterCliConfig>;
  try {
    cfg = loadDeadLetterCliConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  run(args, cfg.REDIS_URL, cfg.BULLMQ_PREFIX).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`dead-letters: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
