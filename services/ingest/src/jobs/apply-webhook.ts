// Worker step for one queued webhook delivery: parse it with its provider's parser, hand the
// events (and the raw delivery, for audit) to profiles through the batcher. Transient failures
// are retried by BullMQ with backoff; malformed input and permanent refusals by profiles
// (./profiles-failure.ts) fail for good (a dead letter).
import { maskPhone, type Logger } from '@ue/kit';
import { Channel, type RawDelivery, type WebhookEvent } from '@ue/proto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Metrics } from '../ops/metrics.js';
import { parseMetaDelivery } from '../providers/meta/parser.js';
import type { ParsedDelivery } from '../providers/whatsapp/delivery-scope.js';
import { parseWhatsappDelivery } from '../providers/whatsapp/parser.js';
import { mediaJobsOf, type MediaJobData } from '../queue/media-queue.js';
import { profileJobsOf, type ProfileJobData } from '../queue/profile-queue.js';
import type { WebhookJobData, WebhookProvider } from '../queue/webhook-queue.js';
import type { EventBatcher } from './event-batcher.js';
import { profilesFailure } from './profiles-failure.js';

export interface ApplyWebhookDeps {
  batcher: Pick<EventBatcher, 'submit'>;
  /** Events per ApplyWebhookEvents call: a bigger delivery (up to 1000 updates) is split. */
  maxEvents: number;
  /**
   * Queue the media fetches of the applied messages (after profiles stored them, so the
   * message shows at once and its file a moment later). A failure retries the delivery:
   * applying again is harmless, and the job ids keep a fetch from being queued twice.
   */
  enqueueMedia?: (jobs: MediaJobData[]) => Promise<void>;
  /**
   * Queue a name fetch for each Messenger / Instagram customer who wrote (after profiles stored
   * the messages, like media). Job ids keep it to one fetch per customer and week.
   */
  enqueueProfiles?: (jobs: ProfileJobData[]) => Promise<void>;
  metrics: Metrics;
  log: Logger;
  now?: () => Date;
}

export interface ApplyWebhookResult {
  events: number;
  ignoredFields: string[];
}

// Webhook fields of shared/docs/whatsapp-webhooks.md §3, and what Messenger / Instagram send
// that is not a conversation (Instagram `changes` fields, messaging keys, the entry's standby
// list): any other name is counted as "other", and another `object` as "object", so a provider
// string never becomes an unbounded set of metric labels.
const KNOWN_FIELDS = new Set([
  'account_update',
  'message_template_status_update',
  'user_preferences',
  'user_id_update',
  'smb_message_echoes',
  'history',
  'comments',
  'live_comments',
  'mentions',
  'story_insights',
  'standby',
  'optin',
  'account_linking',
  'pass_thread_control',
  'take_thread_control',
  'request_thread_control',
  'app_roles',
  'policy_enforcement',
  'prior_message',
  'messaging_feedback',
  'game_play',
  '(none)',
]);

const fieldLabel = (field: string): string =>
  KNOWN_FIELDS.has(field) ? field : field.startsWith('object:') ? 'object' : 'other';

/** The parser a route's deliveries go to (the Meta one follows the body's `object`). */
const PARSERS = new Map<WebhookProvider, (body: Uint8Array, receivedAt: Date) => ParsedDelivery>([
  ['whatsapp', parseWhatsappDelivery],
  ['messenger', parseMetaDelivery],
  ['instagram', parseMetaDelivery],
]);

/** What the raw delivery is: its events' channel (a Page body may come on either Meta route). */
function providerOf(route: WebhookProvider, parsed: ParsedDelivery): WebhookProvider {
  const channel = parsed.events[0]?.channel;
  if (route === 'whatsapp' || channel === undefined) return route;
  return channel === Channel.INSTAGRAM ? 'instagram' : 'messenger';
}

function describeEvent(e: WebhookEvent): Record<string, string> {
  const ev = e.event;
  if (ev?.$case === 'providerError')
    return { account: e.accountId, codes: ev.providerError.errors.map((x) => x.code).join(',') };
  if (ev?.$case === 'inboundMessage')
    return { account: e.accountId, from: maskPhone(ev.inboundMessage.from?.waId) };
  return { account: e.accountId };
}

export function createApplyWebhook(
  deps: ApplyWebhookDeps,
): (job: Job<WebhookJobData>) => Promise<ApplyWebhookResult> {
  const now = deps.now ?? (() => new Date());
  return async (job) => {
    const data = job.data;
    const body = Buffer.from(data.bodyBase64 ?? '', 'base64');
    const receivedAt = new Date(data.receivedAt);
    const parse = PARSERS.get(data.provider);
    if (!parse || Number.isNaN(receivedAt.getTime())) {
      throw new UnrecoverableError(
        `malformed job: provider ${String(data.provider)}, receivedAt ${String(data.receivedAt)}`,
      );
    }
    const parsed = parse(body, receivedAt);
    for (const field of parsed.ignoredFields)
      deps.metrics.ignoredFields.inc({ field: fieldLabel(field) });
    if (parsed.ignoredFields.length > 0)
      deps.log.info(
        { job: job.id, fields: parsed.ignoredFields },
        'webhook fields acknowledged without processing',
      );
    if (parsed.unknownTypes.length > 0)
      deps.log.warn(
        { job: job.id, types: parsed.unknownTypes },
        'unknown provider types kept as unsupported',
      );
    if (parsed.unsupported.length > 0)
      deps.log.warn(
        { job: job.id, items: parsed.unsupported },
        'items profiles cannot take as sent: stored as unsupported or kept in the raw delivery only',
      );
    for (const e of parsed.events) {
      if (e.event?.$case !== 'providerError') continue;
      for (const err of e.event.providerError.errors)
        deps.metrics.providerErrors.inc({ code: String(err.code) });
      deps.log.warn(
        {
          job: job.id,
          ...describeEvent(e),
          titles: e.event.providerError.errors.map((x) => x.title),
        },
        'provider reported an error',
      );
    }
    if (parsed.events.length === 0 && parsed.problems.length > 0) {
      // Nothing readable: the dead letter itself keeps the bytes for a fixed parser to replay.
      throw new UnrecoverableError(`malformed delivery: ${parsed.problems.slice(0, 5).join('; ')}`);
    }
    const delivery: RawDelivery = {
      sha256: data.sha256,
      body,
      receivedAt,
      provider: providerOf(data.provider, parsed),
    };
    try {
      // In order, one part after the other; a retry re-sends all parts (applying is idempotent).
      for (let i = 0; i === 0 || i < parsed.events.length; i += deps.maxEvents) {
        await deps.batcher.submit({
          events: parsed.events.slice(i, i + deps.maxEvents),
          ...(i === 0 ? { delivery } : {}),
        });
      }
    } catch (err) {
      throw profilesFailure(err, 'the events').error;
    }
    const media = mediaJobsOf(parsed.events);
    if (media.length > 0 && deps.enqueueMedia) await deps.enqueueMedia(media);
    const profiles = deps.enqueueProfiles ? profileJobsOf(parsed.events) : [];
    if (profiles.length > 0 && deps.enqueueProfiles) await deps.enqueueProfiles(profiles);
    for (const e of parsed.events)
      deps.metrics.eventsApplied.inc({ type: e.event?.$case ?? 'none' });
    deps.metrics.endToEndSeconds.observe(
      Math.max(0, now().getTime() - receivedAt.getTime()) / 1000,
    );
    if (parsed.problems.length > 0) {
      // The readable part is applied; the delivery stays as a dead letter for a fixed parser.
      throw new UnrecoverableError(`malformed delivery: ${parsed.problems.slice(0, 5).join('; ')}`);
    }
    return { events: parsed.events.length, ignoredFields: parsed.ignoredFields };
  };
}
