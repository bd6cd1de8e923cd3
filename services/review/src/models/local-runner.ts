// The local model's own process (started by local-process.ts). The model runs here so that the
// review service can stop it outright while the machine is busy (SIGSTOP, then SIGCONT): a
// paused review keeps everything it has computed and uses no CPU at all, where an abort would
// only land after the evaluation already queued (a whole prompt: measured 30 s of both cores).
// Requests and answers travel over the IPC channel; the process ends with its parent.
import { createLogger } from '@ue/kit';
import type { Prompt } from '../domain/prompt.js';
import { lowerPriority } from '../ops/priority.js';
import { createLocalModel } from './local.js';
import type { RunnerReply, RunnerRequest } from './runner-protocol.js';

const send = (r: RunnerReply): void => {
  process.send?.(r);
};

let model: ReturnType<typeof createLocalModel> | undefined;
let nice = 0;
const renice = (): void => {
  try {
    lowerPriority(nice);
  } catch {
    // not allowed here: the parent's niceness still applies (a child inherits it)
  }
};

async function handle(req: RunnerRequest): Promise<void> {
  if (req.type === 'start') {
    nice = req.nice;
    renice();
    const log = createLogger('review-model', req.logLevel);
    model = createLocalModel({ ...req.options, log });
    await model.start();
    renice(); // the threads the model created
    send({ type: 'ready' });
  } else if (req.type === 'review') {
    if (!model) throw new Error('the local model is not loaded');
    try {
      const answer = await model.review(req.prompt satisfies Prompt);
      send({ type: 'answer', id: req.id, answer });
    } finally {
      renice();
    }
  } else {
    await model?.close();
    process.exit(0);
  }
}

process.on('message', (req: RunnerRequest) => {
  handle(req).catch((err: unknown) =>
    send({
      type: 'error',
      ...(req.type === 'review' ? { id: req.id } : {}),
      message: err instanceof Error ? err.message : String(err),
    }),
  );
});
process.on('disconnect', () => process.exit(0));
