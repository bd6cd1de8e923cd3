// Worker step for one outbound job (produced by profiles' SendMessage): send it through the
// provider once, remember the outcome in the job before reporting it to profiles, so a retry
// of the report never sends the message twice. Transient trouble (429, 5xx, network, profiles
// down) reschedules the job with backoff (honouring Retry-After) without using up attempts.
import { maskPhone, type Logger } from '@ue/kit';
import { OutboundJob, type ProviderError, type WebhookEvent } from '@ue/proto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Metrics } from '../ops/metrics.js';
import type { SendOutcome } from '../providers/whatsapp/send-api.js';
import type { RateLimiter } from '../queue/rate-limiter.js';
import { backoffDelay } from '../queue/webhook-queue.js';
import { profilesFailure } from './profiles-failure.js';

/** What ingest keeps in the job next to profiles' OutboundJob fields. */
export interface SenderState {
  tries?: number;
  /** The provider's id of the uploaded attachment: a retry sends it without uploading again. */
  mediaId?: string;
  reportTries?: number;
  result?: { wamid?: string; errors?: ProviderError[] };
}

export type OutboundJobData = Record<string, unknown> & { ingest?: SenderState };

/** Uploading an attachment: its provider media id, or a send outcome that ends the attempt. */
export type UploadAttachment = (
  job: OutboundJob,
) => Promise<{ kind: 'uploaded'; id: string } | Exclude<SendOutcome, { kind: 'accepted' }>>;

export interface SendOutboundDeps {
  send: (job: OutboundJob) => Promise<SendOutcome>;
  /** For attachments stored in profiles and not yet on the provider (content.media.stored). */
  uploadAttachment: UploadAttachment;
  report: (event: WebhookEvent) => Promise<unknown>;
  limiter: RateLimiter;
  /** Provider attempts before the message is recorded as failed. */
  maxTries: number;
  retry: { baseMs: number; maxMs: number };
  metrics: Metrics;
  log: Logger;
  now?: () => Date;
}

async function later(
  { job, token }: { job: Job<OutboundJobData>; token: string | undefined },
  state: SenderState,
  delayMs: number,
): Promise<never> {
  await job.updateData({ ...job.data, ingest: state });
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/** An attachment only profiles holds: uploaded to the provider first, sent by its id. */
const needsUpload = (out: OutboundJob): boolean =>
  Boolean(out.content?.media?.stored?.fileId && !out.content.media.mediaId);

/** One provider attempt: the upload (once; its id is kept in the job), then the send. */
async function attempt(
  deps: SendOutboundDeps,
  { job, out, state }: { job: Job<OutboundJobData>; out: OutboundJob; state: SenderState },
): Promise<SendOutcome> {
  if (needsUpload(out) && !state.mediaId) {
    const up = await deps.uploadAttachment(out);
    deps.metrics.mediaUploads.inc({
      result: up.kind === 'uploaded' ? 'uploaded' : up.kind === 'retry' ? 'retried' : 'refused',
    });
    if (up.kind !== 'uploaded') return up;
    state.mediaId = up.id;
    await job.updateData({ ...job.data, ingest: state });
  }
  if (needsUpload(out)) out.content!.media!.mediaId = state.mediaId!;
  await deps.limiter.acquire(out.accountId);
  return deps.send(out);
}

export function createSendOutbound(
  deps: SendOutboundDeps,
): (job: Job<OutboundJobData>, token?: string) => Promise<SenderState['result']> {
  const now = deps.now ?? (() => new Date());
  return async (job, token) => {
    const out = OutboundJob.fromJSON(job.data);
    if (!out.messageId || !out.accountId)
      throw new UnrecoverableError(
        'malformed outbound job: message_id and account_id are required',
      );
    const state: SenderState = { ...(job.data.ingest ?? {}) };
    const who = {
      job: job.id,
      message: out.messageId,
      account: out.accountId,
      to: maskPhone(out.toWaId),
    };

    if (!state.result) {
      const outcome = await attempt(deps, { job, out, state });
      if (outcome.kind === 'retry') {
        state.tries = (state.tries ?? 0) + 1;
        if (state.tries < deps.maxTries) {
          deps.metrics.outboundSent.inc({ result: 'retried' });
          const delay = outcome.retryAfterMs ?? backoffDelay(state.tries, deps.retry);
          deps.log.warn(
            { ...who, tries: state.tries, delayMs: delay, reason: outcome.reason },
            'outbound send will be retried',
          );
          return later({ job, token }, state, delay);
        }
        state.result = {
          errors: [
            {
              code: 0,
              title: 'Not sent',
              message: `gave up after ${state.tries} attempts`,
              details: outcome.reason,
              href: '',
            },
          ],
        };
      } else {
        state.result =
          outcome.kind === 'accepted' ? { wamid: outcome.wamid } : { errors: outcome.errors };
      }
      deps.metrics.outboundSent.inc({ result: state.result.wamid ? 'accepted' : 'refused' });
      if (state.result.errors)
        deps.log.warn(
          { ...who, errors: state.result.errors.map((e) => `${e.code} ${e.title}`) },
          'outbound message refused',
        );
      else deps.log.info({ ...who, wamid: state.result.wamid }, 'outbound message accepted');
      await job.updateData({ ...job.data, ingest: state });
    }

    const event: WebhookEvent = {
      accountId: out.accountId,
      wabaId: '',
      occurredAt: now(),
      event: {
        $case: 'sendResult',
        sendResult: {
          messageId: out.messageId,
          wamid: state.result.wamid ?? '',
          errors: state.result.errors ?? [],
        },
      },
    };
    try {
      await deps.report(event);
    } catch (err) {
      const failure = profilesFailure(err, 'the send result');
      if (failure.permanent) throw failure.error;
      state.reportTries = (state.reportTries ?? 0) + 1;
      deps.log.warn(
        { ...who, tries: state.reportTries, reason: failure.error.message },
        'send result not recorded yet; will retry',
      );
      return later({ job, token }, state, backoffDelay(state.reportTries, deps.retry));
    }
    return state.result;
  };
}
