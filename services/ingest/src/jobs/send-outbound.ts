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
  /** Provider ids of the parts already accepted (Messenger / Instagram: attachment, caption). */
  sentParts?: string[];
  reportTries?: number;
  result?: { wamid?: string; errors?: ProviderError[] };
}

export type OutboundJobData = Record<string, unknown> & { ingest?: SenderState };

/** Uploading an attachment: its provider media id, or a send outcome that ends the attempt. */
export type UploadAttachment = (
  job: OutboundJob,
) => Promise<{ kind: 'uploaded'; id: string } | Exclude<SendOutcome, { kind: 'accepted' }>>;

export interface SendOutboundDeps {
  /** Send one part of the job (see partsOf). */
  send: (job: OutboundJob, part: number) => Promise<SendOutcome>;
  /** Provider requests one message takes (1 unless said: WhatsApp sends a caption with its file). */
  partsOf?: (job: OutboundJob) => number;
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

interface Attempt {
  job: Job<OutboundJobData>;
  out: OutboundJob;
  state: SenderState;
  who: Record<string, unknown>;
}

/**
 * The parts not sent yet, each kept in the job once accepted, so a retry sends only the rest.
 * A later part (a caption) refused for good leaves the message sent: its file went out.
 */
async function sendParts(deps: SendOutboundDeps, a: Attempt): Promise<SendOutcome> {
  const parts = deps.partsOf?.(a.out) ?? 1;
  const sent = a.state.sentParts ?? [];
  for (let part = sent.length; part < parts; part++) {
    await deps.limiter.acquire(a.out.accountId);
    const outcome = await deps.send(a.out, part);
    if (outcome.kind === 'refused' && part > 0) {
      const errors = outcome.errors.map((e) => `${e.code} ${e.title}`);
      deps.log.warn(
        { ...a.who, part, errors },
        'outbound caption refused; its attachment was sent',
      );
      break;
    }
    if (outcome.kind !== 'accepted') return outcome;
    sent.push(outcome.wamid);
    a.state.sentParts = sent;
    if (part + 1 < parts) await a.job.updateData({ ...a.job.data, ingest: a.state });
  }
  return { kind: 'accepted', wamid: sent[0]! };
}

/** One provider attempt: the upload (once; its id is kept in the job), then the send. */
async function attempt(deps: SendOutboundDeps, a: Attempt): Promise<SendOutcome> {
  const { job, out, state } = a;
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
  return sendParts(deps, a);
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
      ...(out.toScopedId ? { channel: out.channel, toScopedId: out.toScopedId } : {}),
    };

    if (!state.result) {
      const outcome = await attempt(deps, { job, out, state, who });
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
        // A file already sent makes the message sent, even if its caption never got through.
        const sentFile = state.sentParts?.[0];
        state.result = sentFile
          ? { wamid: sentFile }
          : {
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
      channel: out.channel,
      accountDisplay: '',
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
