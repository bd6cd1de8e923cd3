// When does a message become visible? profiles' WatchEvents stream announces every stored
// message (message_created, published right after its transaction commits); waiters are keyed
// by wamid and resolved with the moment the event arrived here.
import { EventKind, WatchEventsRequest } from '@ue/proto';
import type { ProfilesClient } from '@ue/profiles-client';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MessageWatch {
  /** Resolves with performance.now() when message `wamid` is announced; rejects after timeoutMs. */
  waitFor(wamid: string, timeoutMs: number): Promise<number>;
  close(): void;
}

export async function watchMessages(client: ProfilesClient): Promise<MessageWatch> {
  const ac = new AbortController();
  const waiters = new Map<string, (t: number) => void>();
  const seen = new Map<string, number>();
  const req = WatchEventsRequest.fromPartial({ kinds: [EventKind.MESSAGE_CREATED] });
  let failure: unknown;
  void (async () => {
    try {
      for await (const ev of client.stream('watchEvents', req, { signal: ac.signal })) {
        if (ev.payload?.$case !== 'message') continue;
        const t = performance.now();
        const w = ev.payload.message.wamid;
        const resolve = waiters.get(w);
        if (resolve) {
          waiters.delete(w);
          resolve(t);
        } else if (seen.size < 100_000) seen.set(w, t);
      }
    } catch (err) {
      failure = err;
    }
  })();
  // The stream starts at "now" once profiles has read the stream's latest id.
  await sleep(500);
  return {
    waitFor(wamid, timeoutMs) {
      if (failure)
        return Promise.reject(failure instanceof Error ? failure : new Error('watch failed'));
      const early = seen.get(wamid);
      if (early !== undefined) {
        seen.delete(wamid);
        return Promise.resolve(early);
      }
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(wamid);
          reject(new Error(`message ${wamid} not seen within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(wamid, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      });
    },
    close: () => ac.abort(),
  };
}
