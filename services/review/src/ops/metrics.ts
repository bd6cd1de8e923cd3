// Prometheus instruments of the review service, on a registry of their own.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  reviews: Counter<'provider' | 'outcome'>;
  reviewSeconds: Histogram;
  scheduled: Counter<'reason'>;
  pauses: Counter;
  queueDepth: Gauge<'state'>;
}

export function createMetrics(
  depth?: () => Promise<Array<{ state: string; count: number }>>,
): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = { registers: [registry] };
  return {
    registry,
    reviews: new Counter({
      name: 'review_reviews_total',
      help: 'Review jobs by outcome (reviewed, failed, skipped: why)',
      labelNames: ['provider', 'outcome'],
      ...r,
    }),
    reviewSeconds: new Histogram({
      name: 'review_duration_seconds',
      help: 'Time of one successful review, model included',
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
      ...r,
    }),
    scheduled: new Counter({
      name: 'review_scheduled_total',
      help: 'Reviews scheduled (or re-delayed), by what caused it',
      labelNames: ['reason'],
      ...r,
    }),
    pauses: new Counter({
      name: 'review_model_pauses_total',
      help: 'Times a running local review was paused because other processes needed the CPU',
      ...r,
    }),
    queueDepth: new Gauge({
      name: 'review_queue_jobs',
      help: 'Review jobs per state',
      labelNames: ['state'],
      ...r,
      async collect() {
        if (!depth) return;
        this.reset();
        for (const { state, count } of await depth()) this.set({ state }, count);
      },
    }),
  };
}
