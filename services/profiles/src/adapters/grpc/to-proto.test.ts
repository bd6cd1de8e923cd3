import { ActorKind, Direction, MessageContent, MessageType } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../app/records.js';
import { previewOf } from '../../app/preview.js';
import { messageToProto } from './to-proto.js';

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
