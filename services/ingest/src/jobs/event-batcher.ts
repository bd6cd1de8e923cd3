// Coalesces the events of concurrently processed jobs into one ApplyWebhookEvents call: a
// short window, bounded by events and bytes. Each submitter learns its own outcome; when a
// batch is refused for good (not a transient failure), its parts are retried alone so one bad
// delivery cannot sink the others. A submission that cannot even be encoded is refused at once,
// before it joins a batch. At most `maxInFlight` calls run at once (applying is idempotent and
// order-independent, ADR 0005); while all of them are busy, what arrives keeps joining the next
// batch, so batches grow with the load and a quiet system waits only the short window.
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
  /** Calls to profiles at once (default 1). */
  maxInFlight?: number;
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
  /** Batches cut (full) and waiting for a free call. */
  private ready: Pending[][] = [];
  /** The window of `pending` is over: it leaves with the next free call. */
  private due = false;
  private inFlight = 0;

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
      this.cut();
    this.pending.push(p);
    if (p.events.length >= this.opts.maxEvents || p.bytes >= this.opts.maxBytes) this.cut();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.pump();
      }, this.opts.windowMs);
  }

  /** Close the pending batch: it leaves as soon as a call is free. */
  private cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    if (this.pending.length > 0) this.ready.push(this.pending);
    this.pending = [];
    this.pump();
  }

  /** Send what is waiting now (also used on shutdown). */
  flush(): void {
    this.cut();
  }

  private pump(): void {
    while (this.inFlight < (this.opts.maxInFlight ?? 1)) {
      let items = this.ready.shift();
      if (!items && this.due && this.pending.length > 0) {
        items = this.pending;
        this.pending = [];
        this.due = false;
      }
      if (!items) return;
      this.inFlight += 1;
      void this.send(items).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
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
