// Coalesces the events of concurrently processed jobs into one ApplyWebhookEvents call: a
// short window, bounded by events and bytes. Each submitter learns its own outcome; when a
// batch is refused for good (not a transient failure), its parts are retried alone so one bad
// delivery cannot sink the others. A submission that cannot even be encoded is refused at once,
// before it joins a batch. Items go into `lanes` by user, each lane with one call at a time:
// calls run side by side (applying is idempotent and order-independent, ADR 0005) but never on
// the same user, so their transactions do not conflict; while a lane's call runs, what arrives
// joins its next batch, so batches grow with the load and a quiet system waits only the window.
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
  /**
   * Lanes, each with one call to profiles at a time (default 1). Items are put in lanes by
   * user, so two concurrent calls never write the same user (no transaction conflicts).
   */
  lanes?: number;
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

/** The user an item is about (its first event naming one): items of one user share a lane. */
export function userKeyOf(item: BatchItem): string {
  for (const e of item.events) {
    const ev = e.event;
    const ref =
      ev?.$case === 'inboundMessage'
        ? ev.inboundMessage.from
        : ev?.$case === 'userSeen'
          ? ev.userSeen.user
          : ev?.$case === 'status'
            ? ev.status.recipient
            : ev?.$case === 'reaction'
              ? ev.reaction.from
              : ev?.$case === 'watermark'
                ? ev.watermark.user
                : undefined;
    // Messenger / Instagram users are known by their PSID / IGSID alone.
    const id = ref?.waId || ref?.bsuid || ref?.scopedId;
    if (id) return `${e.accountId}|${id}`;
  }
  return '';
}

/** Which of `lanes` lanes a user key goes to (FNV-1a). */
export function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/** One lane: its own window and batch, one call at a time. */
class Lane {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Batches cut (full) and waiting for the lane's call. */
  private ready: Pending[][] = [];
  /** The window of `pending` is over: it leaves with the next call. */
  private due = false;
  private busy = false;

  constructor(
    private readonly opts: BatcherOptions,
    private readonly send: (items: Pending[]) => Promise<void>,
  ) {}

  add(p: Pending): void {
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

  /** Close the pending batch: it leaves as soon as the lane's call is free. */
  cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    if (this.pending.length > 0) this.ready.push(this.pending);
    this.pending = [];
    this.pump();
  }

  private pump(): void {
    if (this.busy) return;
    let items = this.ready.shift();
    if (!items && this.due && this.pending.length > 0) {
      items = this.pending;
      this.pending = [];
      this.due = false;
    }
    if (!items) return;
    this.busy = true;
    void this.send(items).finally(() => {
      this.busy = false;
      this.pump();
    });
  }
}

export class EventBatcher {
  private readonly lanes: Lane[];
  private spread = 0;

  constructor(private readonly opts: BatcherOptions) {
    const n = Math.max(1, opts.lanes ?? 1);
    this.lanes = Array.from({ length: n }, () => new Lane(opts, (items) => this.send(items)));
  }

  submit(item: BatchItem): Promise<void> {
    let bytes: number;
    try {
      bytes = sizeOf(item);
    } catch (err) {
      // Sent along with others it would fail their call too (a serialization failure).
      const why = `events not encodable, never sent: ${(err as Error).message}`;
      return Promise.reject(new AppError('INTERNAL', why, { cause: err }));
    }
    const key = userKeyOf(item);
    // Items naming no user conflict with nothing: spread over the lanes.
    const lane = key ? laneOf(key, this.lanes.length) : this.spread++ % this.lanes.length;
    return new Promise((resolve, reject) =>
      this.lanes[lane]!.add({ ...item, bytes, resolve, reject }),
    );
  }

  /** Send what is waiting now (also used on shutdown). */
  flush(): void {
    for (const l of this.lanes) l.cut();
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
