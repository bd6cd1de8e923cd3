// The local model in its own process, with the real model: a paused review uses no CPU and
// continues after resume; a process that dies fails the review in flight, and the next review
// starts a new one. Imported from dist/: the model's process runs the built local-runner.js.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalProcessModel, type LocalProcessModel } from '../dist/models/local-process.js';

let model: LocalProcessModel;

const cpuOf = (pid: number): number => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Short on purpose: the answer is cut at 40 tokens and fails validation; this test is about the
// process, local-model.int.test.ts about the answer.
const prompt = {
  version: 'test',
  system: 'Answer with a JSON review of the conversation.',
  user: '<conversation>\n{"role":"customer","text":"Wo ist mein Paket?"}\n</conversation>',
};
const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (e: Error) => e.message,
  );

beforeAll(async () => {
  const modelPath = process.env.UE_MODEL_PATH ?? '';
  if (!modelPath || !existsSync(modelPath))
    throw new Error(`the local review model is missing at ${modelPath} (./dev setup fetches it)`);
  model = createLocalProcessModel({
    model: { modelPath, threads: 2, contextTokens: 2048, maxTokens: 40 },
    nice: 0,
    logLevel: 'warn',
  });
  await model.start();
}, 120_000);

afterAll(async () => {
  await model?.close();
});

it('pauses a review without using CPU, and continues it after resume', async () => {
  const pid = model.pid()!;
  let settled = false;
  const review = settle(model.review(prompt)).finally(() => (settled = true));
  await sleep(500);
  model.pause();
  await sleep(200); // the signal is delivered at once; let the last tick's accounting land
  const before = cpuOf(pid);
  await sleep(1500);
  expect(cpuOf(pid)).toBe(before);
  expect(settled).toBe(false);
  model.resume();
  expect(await review).toBeTypeOf('string');
  expect(cpuOf(pid)).toBeGreaterThan(before);
}, 120_000);

it('fails the review in flight when the process dies, and starts a new one for the next', async () => {
  const first = model.pid()!;
  const review = settle(model.review(prompt));
  await sleep(300);
  process.kill(first, 'SIGKILL');
  expect(await review).toMatch(/process ended \(SIGKILL\)/);
  const next = settle(model.review(prompt));
  expect(await next).not.toMatch(/process ended/);
  expect(model.pid()).toBeDefined();
  expect(model.pid()).not.toBe(first);
}, 180_000);
