// Which fixture shapes the load is made of, and how often: mostly plain texts, then every other
// single-sender message type, and delivery statuses. Left out: bodies about several people or
// numbers at once, number changes, edits/revokes/reactions of specific messages, value-level
// errors and the byte-exact wire-format file (its point is its bytes, not its shape).
import { fixture, fixtureNames } from '@ue/testing';
import { compileTemplate, type Template } from './templates.js';
import type { TrafficMix } from './traffic.js';

const INBOUND: Record<string, number> = {
  'text-basic.json': 8,
  'text-reply-with-context.json': 2,
  'text-forwarded.json': 1,
  'text-bsuid-username-no-phone.json': 1,
  'image-with-caption.json': 2,
  'audio-voice-note.json': 1,
  'video-with-caption.json': 1,
  'document-pdf.json': 1,
  'sticker-animated.json': 1,
  'location-pin.json': 1,
  'interactive-button-reply.json': 1,
  'interactive-list-reply.json': 1,
  'interactive-nfm-reply-flow.json': 1,
  'button-template-quick-reply.json': 1,
  'order-catalog.json': 1,
  'referral-click-to-whatsapp-ad.json': 1,
  'unsupported-message.json': 1,
};
const STATUSES = [
  'status-sent.json',
  'status-delivered.json',
  'status-read.json',
  'status-failed.json',
];

/** Only the shapes that exist in this checkout's fixtures folder are used. */
export function loadMix(o: { textOnly?: boolean } = {}): TrafficMix {
  const names = new Set(fixtureNames());
  const t = (n: string): Template => compileTemplate(n, fixture(n).toString('utf8'));
  const inbound = Object.entries(INBOUND)
    .filter(([n]) => names.has(n) && (!o.textOnly || n === 'text-basic.json'))
    .map(([n, weight]) => ({ item: t(n), weight }));
  if (inbound.length === 0) throw new Error('no usable webhook fixtures found');
  return { inbound, statuses: STATUSES.filter((n) => names.has(n)).map(t) };
}

/** Sizes of a sample of rendered bodies, for the report. */
export function describeMix(mix: TrafficMix): string {
  const shapes = mix.inbound.length + mix.statuses.length;
  return `${shapes} fixture shapes (${mix.inbound.map((i) => i.item.name.replace('.json', '')).join(', ')}; statuses ${mix.statuses.map((s) => s.name.replace('.json', '').replace('status-', '')).join('/')})`;
}
