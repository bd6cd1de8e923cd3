import { Channel, MessageContent, MessageType, OutboundJob } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { buildMetaSendBody, metaParts, sendMetaMessage, sendOutcomeOf } from './send-api.js';

const job = (over: Partial<OutboundJob>): OutboundJob =>
  OutboundJob.fromPartial({
    messageId: 'm_01',
    accountId: '1029384756',
    channel: Channel.MESSENGER,
    toScopedId: '6500000000000001',
    content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Hallo Lena' }),
    ...over,
  });

describe('buildMetaSendBody', () => {
  it('answers within the window as RESPONSE, with our message id as metadata', () => {
    expect(buildMetaSendBody(job({}))).toEqual({
      recipient: { id: '6500000000000001' },
      messaging_type: 'RESPONSE',
      message: { text: 'Hallo Lena', metadata: 'ue:m_01' },
    });
  });

  it('sends a tagged message (HUMAN_AGENT) as MESSAGE_TAG', () => {
    expect(buildMetaSendBody(job({ tag: 'HUMAN_AGENT' }))).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
  });

  it('sends an uploaded attachment by id, then its caption as a second part', () => {
    const photo = job({
      content: MessageContent.fromPartial({
        type: MessageType.IMAGE,
        text: 'Ihr Angebot',
        media: { mediaId: '1857777774821032' },
      }),
    });
    expect(metaParts(photo)).toBe(2);
    expect(buildMetaSendBody(photo, 0)).toMatchObject({
      message: {
        attachment: { type: 'image', payload: { attachment_id: '1857777774821032' } },
        metadata: 'ue:m_01',
      },
    });
    expect(buildMetaSendBody(photo, 1)).toMatchObject({
      message: { text: 'Ihr Angebot', metadata: 'ue:m_01' },
    });
    const pdf = job({
      content: MessageContent.fromPartial({
        type: MessageType.DOCUMENT,
        media: { url: 'https://example.com/a.pdf' },
      }),
    });
    expect(metaParts(pdf)).toBe(1);
    expect(buildMetaSendBody(pdf)).toMatchObject({
      message: { attachment: { type: 'file', payload: { url: 'https://example.com/a.pdf' } } },
    });
  });

  it('refuses what the channel cannot carry, naming why', () => {
    expect(buildMetaSendBody(job({ toScopedId: '' }))).toMatch(/no recipient/);
    expect(
      buildMetaSendBody(
        job({ content: MessageContent.fromPartial({ type: MessageType.TEMPLATE }) }),
      ),
    ).toMatch(/cannot be sent on Messenger or Instagram/);
    expect(
      buildMetaSendBody(job({ content: MessageContent.fromPartial({ type: MessageType.TEXT }) })),
    ).toBe('empty text');
  });
});

const metaError = (code: number, subcode?: number) => ({
  error: {
    message: `(#${code}) refused`,
    type: 'OAuthException',
    code,
    ...(subcode ? { error_subcode: subcode } : {}),
    fbtrace_id: 'Ab',
  },
});
const answer = (status: number, body: unknown, retryAfter: string | null = null) => ({
  status,
  body,
  retryAfter,
});

describe('sendOutcomeOf', () => {
  it('reads message_id; an answer without one is a failure (a resend could deliver twice)', () => {
    expect(sendOutcomeOf(answer(200, { recipient_id: '1', message_id: 'm_9' }))).toEqual({
      kind: 'accepted',
      wamid: 'm_9',
    });
    expect(sendOutcomeOf(answer(200, { recipient_id: '1' }))).toMatchObject({ kind: 'refused' });
  });

  it('retries rate limits (4, 32, 613), a temporary problem (2), 429 and 5xx', () => {
    const retried = [
      answer(400, metaError(613)),
      answer(403, metaError(4)),
      answer(400, metaError(32)),
      answer(503, metaError(2)),
      answer(429, {}, '7'),
      answer(500, undefined),
    ].map(sendOutcomeOf);
    expect(retried.map((o) => o.kind)).toEqual(Array(6).fill('retry'));
    expect(retried[4]).toMatchObject({ retryAfterMs: 7000 });
  });

  it('fails for good on any other code, keeping code, message and subcode', () => {
    const refused = [
      answer(400, metaError(10, 2018278)),
      answer(400, metaError(551, 1545041)),
      answer(401, metaError(190)),
      answer(400, metaError(100)),
    ].map(sendOutcomeOf);
    expect(refused.map((o) => (o.kind === 'refused' ? o.errors[0]!.code : o.kind))).toEqual([
      10, 551, 190, 100,
    ]);
    expect(refused[0]).toEqual({
      kind: 'refused',
      errors: [
        {
          code: 10,
          title: '(#10) refused',
          message: '(#10) refused',
          details: 'error_subcode 2018278',
          href: '',
        },
      ],
    });
  });
});

describe('sendMetaMessage without a token for the account', () => {
  it('fails for good before any request, naming the variable, not a secret', async () => {
    const opts = {
      // Nothing listens there: a request would be a network failure (retry), not this refusal.
      baseUrl: 'http://127.0.0.1:9/v24.0',
      tokens: { messenger: new Map([['1029384756', 'page-token']]), instagram: new Map() },
      timeoutMs: 1000,
    };
    const ig = job({ accountId: '17841400000000001', channel: Channel.INSTAGRAM });
    const out = await sendMetaMessage(opts, { job: ig, part: 0 });
    expect(out).toEqual({
      kind: 'refused',
      errors: [
        {
          code: 0,
          title: 'No access token',
          message: 'No access token',
          details:
            'no access token is configured for Instagram account 17841400000000001 (INSTAGRAM_TOKENS)',
          href: '',
        },
      ],
    });
  });
});
