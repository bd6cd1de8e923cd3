// Prometheus instruments of the ingest service, on a registry of their own (no globals).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RejectReason = 'signature' | 'json' | 'size' | 'redis';

export interface Metrics {
  registry: Registry;
  webhooksReceived: Counter<'provider'>;
  webhooksRejected: Counter<'reason'>;
  webhooksEnqueued: Counter;
  jobsProcessed: Counter<'queue'>;
  jobsRetried: Counter<'queue'>;
  jobsDeadLettered: Counter<'queue'>;
  eventsApplied: Counter<'type'>;
  providerErrors: Counter<'code'>;
  ignoredFields: Counter<'field'>;
  applyBatchSize: Histogram;
  endToEndSeconds: Histogram;
  outboundSent: Counter<'result'>;
  mediaFetched: Counter<'kind' | 'outcome'>;
  mediaBytes: Counter<'kind'>;
  mediaFetchSeconds: Histogram<'kind'>;
  mediaTokenFailures: Counter<'account'>;
  mediaUploads: Counter<'result'>;
  profileFetches: Counter<'channel' | 'outcome'>;
  queueDepth: Gauge<'queue' | 'state'>;
}

/** depth(): counts per queue and state, read when Prometheus scrapes. */
export function createMetrics(
  depth?: () => Promise<Array<{ queue: string; state: string; count: number }>>,
): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = { registers: [registry] };
  return {
    registry,
    webhooksReceived: new Counter({
      name: 'ingest_webhooks_received_total',
      help: 'Webhook POSTs received',
      labelNames: ['provider'],
      ...r,
    }),
    webhooksRejected: new Counter({
      name: 'ingest_webhooks_rejected_total',
      help: 'Webhook POSTs refused, by reason',
      labelNames: ['reason'],
      ...r,
    }),
    webhooksEnqueued: new Counter({
      name: 'ingest_webhooks_enqueued_total',
      help: 'Webhook POSTs durably queued (an identical body is stored once)',
      ...r,
    }),
    jobsProcessed: new Counter({
      name: 'ingest_jobs_processed_total',
      help: 'Jobs completed',
      labelNames: ['queue'],
      ...r,
    }),
    jobsRetried: new Counter({
      name: 'ingest_jobs_retried_total',
      help: 'Job attempts that failed and will be retried',
      labelNames: ['queue'],
      ...r,
    }),
    jobsDeadLettered: new Counter({
      name: 'ingest_jobs_dead_lettered_total',
      help: 'Jobs failed for good (kept as dead letters)',
      labelNames: ['queue'],
      ...r,
    }),
    eventsApplied: new Counter({
      name: 'ingest_events_total',
      help: 'Normalized events sent to profiles, by type',
      labelNames: ['type'],
      ...r,
    }),
    providerErrors: new Counter({
      name: 'ingest_provider_errors_total',
      help: 'value.errors reported by the provider, by code',
      labelNames: ['code'],
      ...r,
    }),
    ignoredFields: new Counter({
      name: 'ingest_ignored_changes_total',
      help: 'Webhook changes of fields other than messages (acknowledged, not applied)',
      labelNames: ['field'],
      ...r,
    }),
    applyBatchSize: new Histogram({
      name: 'ingest_apply_batch_jobs',
      help: 'Deliveries per ApplyWebhookEvents call',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      ...r,
    }),
    endToEndSeconds: new Histogram({
      name: 'ingest_end_to_end_seconds',
      help: 'From webhook receipt to profiles acknowledging its events',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      ...r,
    }),
    outboundSent: new Counter({
      name: 'ingest_outbound_total',
      help: 'Outbound send outcomes (accepted, refused, retried)',
      labelNames: ['result'],
      ...r,
    }),
    mediaFetched: new Counter({
      name: 'ingest_media_fetches_total',
      help: 'Media fetch attempts by kind and outcome (stored, unavailable, retried, skipped, gone)',
      labelNames: ['kind', 'outcome'],
      ...r,
    }),
    mediaBytes: new Counter({
      name: 'ingest_media_bytes_total',
      help: 'Bytes of media fetched from the provider and stored in profiles',
      labelNames: ['kind'],
      ...r,
    }),
    mediaFetchSeconds: new Histogram({
      name: 'ingest_media_fetch_seconds',
      help: 'From the first metadata request to the file stored in profiles',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      ...r,
    }),
    mediaTokenFailures: new Counter({
      name: 'ingest_media_token_failures_total',
      help: 'Media requests the provider refused with 401/403 (the access token), by business number',
      labelNames: ['account'],
      ...r,
    }),
    mediaUploads: new Counter({
      name: 'ingest_outbound_media_uploads_total',
      help: 'Attachments uploaded to the provider before sending (uploaded, retried, refused)',
      labelNames: ['result'],
      ...r,
    }),
    profileFetches: new Counter({
      name: 'ingest_profile_fetches_total',
      help: 'Customer name fetches (User Profile API) by channel and outcome (named, unnamed, refused, retried)',
      labelNames: ['channel', 'outcome'],
      ...r,
    }),
    queueDepth: new Gauge({
      name: 'ingest_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      ...r,
      async collect() {
        if (!depth) return;
        try {
          for (const d of await depth()) this.set({ queue: d.queue, state: d.state }, d.count);
        } catch {
          // Redis down: the gauge keeps its last values; /healthz reports the outage.
        }
      },
    }),
  };
}
