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
  reportTries?: number;
  result?: { wamid?: string; errors?: ProviderError[] };
}

export type OutboundJobData = Record<string, unknown> & { ingest?: SenderState };

export interface SendOutboundDeps {
  send: (job: OutboundJob) => Promise<SendOutcome>;
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
      await deps.limiter.acquire(out.accountId);
      const outcome = await deps.send(out);
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
