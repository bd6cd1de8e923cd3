// Coalesces the events of concurrently processed jobs into one ApplyWebhookEvents call: a
// short window, bounded by events and bytes. Each submitter learns its own outcome; when a
// batch is refused for good (not a transient failure), its parts are retried alone so one bad
// delivery cannot sink the others. A submission that cannot even be encoded is refused at once,
// before it joins a batch. Calls are sent one after another, in submission order.
import { AppError, isAppError, isRetryable } from '@ue/kit';
import {
  ApplyWebhookEventsRequest,
  type ApplyWebhookEventsResponse,
  type RawDelivery,
  type WebhookEvent,
} from '@ue/proto';

export interface BatchItem {
  events: WebhookEvent[];
  delivery?: RawDelivery;
}

export interface BatcherOptions {
  windowMs: number;
  maxEvents: number;
  /** Deliveries per call (profiles accepts at most 50). */
  maxDeliveries?: number;
  /** Rough bound on the request size (profiles' gRPC receive limit is a few MB). */
  maxBytes: number;
  /** The call that applies one batch; rejects with AppError. */
  apply: (req: ApplyWebhookEventsRequest) => Promise<ApplyWebhookEventsResponse>;
  onBatch?: (items: number, events: number) => void;
}

interface Pending extends BatchItem {
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Encoded size of the item's part of a request; throws when an event cannot be encoded. */
const sizeOf = (item: BatchItem): number =>
  ApplyWebhookEventsRequest.encode({ events: item.events, deliveries: [] }).finish().length +
  (item.delivery ? item.delivery.body.length + 256 : 0);

export class EventBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  // One call in flight at a time: deliveries reach profiles in the order they were taken from
  // the queue, and whatever arrives meanwhile joins the next batch.
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: BatcherOptions) {}

  submit(item: BatchItem): Promise<void> {
    let bytes: number;
    try {
      bytes = sizeOf(item);
    } catch (err) {
      // Sent along with others it would fail their call too (a serialization failure).
      const why = `events not encodable, never sent: ${(err as Error).message}`;
      return Promise.reject(new AppError('INTERNAL', why, { cause: err }));
    }
    return new Promise((resolve, reject) => this.add({ ...item, bytes, resolve, reject }));
  }

  private add(p: Pending): void {
    const events = this.pending.reduce((n, x) => n + x.events.length, 0);
    const bytes = this.pending.reduce((n, x) => n + x.bytes, 0);
    const full = this.pending.length >= (this.opts.maxDeliveries ?? 50);
    if (
      this.pending.length > 0 &&
      (full ||
        events + p.events.length > this.opts.maxEvents ||
        bytes + p.bytes > this.opts.maxBytes)
    )
      this.flush();
    this.pending.push(p);
    if (p.events.length >= this.opts.maxEvents || p.bytes >= this.opts.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
  }

  /** Send whatever is waiting now (also used on shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.chain = this.chain.then(() => this.send(items));
  }

  private async send(items: Pending[]): Promise<void> {
    const req: ApplyWebhookEventsRequest = {
      events: items.flatMap((i) => i.events),
      deliveries: items.flatMap((i) => (i.delivery ? [i.delivery] : [])),
    };
    try {
      await this.opts.apply(req);
      this.opts.onBatch?.(items.length, req.events.length);
      for (const i of items) i.resolve();
    } catch (err) {
      // Not worth retrying as a whole: find out which part profiles refuses.
      if (items.length > 1 && isAppError(err) && !isRetryable(err.code)) {
        await Promise.all(items.map((i) => this.send([i])));
        return;
      }
      for (const i of items) i.reject(err);
    }
  }
}
