import {
  ActorKind,
  Channel,
  Direction,
  EventKind,
  MessageContent,
  MessageType,
  Review,
  ReviewSummary,
} from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { newAccountRecord } from '../../app/new-account.js';
import { newUserRecord } from '../../app/new-user.js';
import type { MessageRecord, ReviewRecord, UserView } from '../../app/records.js';
import { previewOf } from '../../app/preview.js';
import {
  accountToProto,
  changeToStream,
  exportPartToProto,
  messageToProto,
  reviewToProto,
  userToProto,
} from './to-proto.js';

const base = (over: Partial<MessageRecord>): MessageRecord => ({
  _id: 'm_1',
  accountId: 'a',
  userId: 'u',
  wamid: 'w',
  wamidKey: 'w',
  clientKey: 'id:m_1',
  direction: Direction.INBOUND,
  content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'v0' }),
  context: undefined,
  referral: undefined,
  reactions: [],
  edits: [],
  revoked: false,
  revokedAt: undefined,
  status: 0,
  statusRank: 0,
  statusTimes: undefined,
  errors: [],
  pricing: undefined,
  bizOpaqueCallbackData: '',
  sentAt: new Date(0),
  receivedAt: new Date(0),
  author: undefined,
  clientId: '',
  rawJson: '',
  originalText: 'v0',
  ...over,
});

describe('derived message views', () => {
  it('orders edits by time whatever order they were stored in', () => {
    const m = messageToProto(
      base({
        editVersions: [
          { text: 'v2', editedAt: new Date(2000), editWamid: 'e2' },
          { text: 'v1', editedAt: new Date(1000), editWamid: 'e1' },
        ],
      }),
    );
    expect(m.content?.text).toBe('v2');
    expect(m.edits.map((e) => e.previousText)).toEqual(['v0', 'v1']);
  });

  it('shows current reactions only, and previews non-text content by label', () => {
    const by = { kind: ActorKind.USER, id: 'u', displayName: '' };
    const m = messageToProto(
      base({
        reactionsBy: {
          r1: { emoji: '', by, at: new Date(2), wamid: 'x', key: '2|x' },
          r2: { emoji: '❤️', by, at: new Date(1), wamid: 'y', key: '1|y' },
        },
      }),
    );
    expect(m.reactions.map((r) => r.emoji)).toEqual(['❤️']);
    expect(
      previewOf(base({ content: MessageContent.fromPartial({ type: MessageType.STICKER }) })).text,
    ).toBe('[sticker]');
    expect(
      previewOf(
        base({
          content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'x'.repeat(500) }),
        }),
      ).text.length,
    ).toBe(160);
  });
});

describe('reviews', () => {
  const user = newUserRecord(
    'u_1',
    { accountId: 'a', waId: '4915112345678', bsuid: '' },
    new Date(0),
  );

  it('maps the review summary of a user, unset until the first review', () => {
    expect(userToProto(user).review).toBeUndefined();
    const reviewed = userToProto({
      ...user,
      review: ReviewSummary.fromPartial({ reviewId: 'r_1', score: 72, hasReview: true }),
    });
    expect(reviewed.review).toMatchObject({ reviewId: 'r_1', score: 72, hasReview: true });
    const failedOnly = userToProto({ ...user, review: { lastError: 'x' } as ReviewSummary });
    expect(failedOnly.review).toMatchObject({ hasReview: false, lastError: 'x', reviewId: '' });
  });

  it('maps a stored review without its bookkeeping, and live events with and without payload', () => {
    const { id: _i, ...fields } = Review.fromPartial({ userId: 'u_1' });
    const stored: ReviewRecord = { ...fields, _id: 'r_1', accountId: 'a', clientId: 'k1' };
    const r = reviewToProto(stored);
    expect(r).toMatchObject({ id: 'r_1', userId: 'u_1' });
    expect(r).not.toHaveProperty('accountId');
    expect(r).not.toHaveProperty('clientId');
    const event = { kind: EventKind.REVIEW_RECORDED, userId: 'u_1', accountId: 'a' };
    const payload = { $case: 'review' as const, review: stored };
    expect(changeToStream({ ...event, payload }).payload).toEqual({ $case: 'review', review: r });
    expect(changeToStream({ ...event, payload }).actor).toBeUndefined();
    expect(exportPartToProto(payload)).toEqual({ $case: 'review', review: r });
    const actor = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
    const requested = { ...event, kind: EventKind.REVIEW_REQUESTED, payload: undefined, actor };
    expect(changeToStream(requested)).toMatchObject({ payload: undefined, actor });
  });
});

describe('channels and accounts in the contract', () => {
  it('shows users stored before channels existed as WhatsApp users, without bookkeeping', () => {
    const {
      channel: _c,
      scopedId: _s,
      ...legacy
    } = newUserRecord('u_1', { accountId: 'a', waId: '4915112345678', bsuid: '' }, new Date(0));
    // A document as stored then: no channel, no scoped id.
    const u = userToProto({ ...legacy, readWatermark: new Date(5) } as unknown as UserView);
    expect(u.channel).toBe(Channel.WHATSAPP);
    expect(u.scopedId).toBe('');
    expect(u).not.toHaveProperty('readWatermark');
  });

  it('gives an account its users counts, zero without users', () => {
    const account = newAccountRecord(
      { accountId: 'p1', channel: Channel.MESSENGER, wabaId: '', display: 'Casa Lena' },
      new Date(0),
    );
    expect(accountToProto({ account })).toMatchObject({
      id: 'p1',
      channel: Channel.MESSENGER,
      displayId: 'Casa Lena',
      credentialsRef: 'MESSENGER_PAGE_TOKENS:p1',
      users: 0,
      inboundMessages: 0,
      lastActivityAt: undefined,
    });
    const usage = {
      accountId: 'p1',
      users: 3,
      inboundMessages: 9,
      outboundMessages: 4,
      lastActivityAt: new Date(7),
      wabaId: '',
    };
    expect(accountToProto({ account, usage })).toMatchObject({
      users: 3,
      inboundMessages: 9,
      outboundMessages: 4,
      lastActivityAt: new Date(7),
    });
  });
});
