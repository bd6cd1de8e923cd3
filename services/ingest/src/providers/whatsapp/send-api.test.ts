import { MessageContent, MessageType, OutboundJob, ProviderError } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { buildSendBody, providerErrorOf, retryAfterMs } from './send-api.js';

const job = (over: Partial<OutboundJob>): OutboundJob =>
  OutboundJob.fromPartial({
    messageId: 'm1',
    accountId: '117733559900011',
    toWaId: '4915112345678',
    ...over,
  });

describe('buildSendBody', () => {
  it('sends text as the Cloud API expects, quoting the replied-to message', () => {
    const body = buildSendBody(
      job({
        content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Hallo Jürgen 👋' }),
        replyToWamid: 'wamid.X==',
        bizOpaqueCallbackData: 'ticket=1',
      }),
    );
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '4915112345678',
      type: 'text',
      text: { body: 'Hallo Jürgen 👋', preview_url: false },
      context: { message_id: 'wamid.X==' },
      biz_opaque_callback_data: 'ticket=1',
    });
  });

  it('sends templates with their language and components', () => {
    const body = buildSendBody(
      job({
        content: MessageContent.fromPartial({
          type: MessageType.TEMPLATE,
          template: {
            name: 'reminder',
            language: 'es_MX',
            componentsJson: '[{"type":"body","parameters":[{"type":"text","text":"jueves"}]}]',
          },
        }),
      }),
    );
    expect(body).toMatchObject({
      type: 'template',
      template: { name: 'reminder', language: { code: 'es_MX' }, components: [{ type: 'body' }] },
    });
    expect(body).not.toHaveProperty('context');
  });

  it('addresses a withheld-number user by BSUID, and refuses what cannot be sent', () => {
    expect(
      buildSendBody(
        job({
          toWaId: '',
          toBsuid: 'BR.1',
          content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Oi' }),
        }),
      ),
    ).toMatchObject({ recipient: 'BR.1' });
    expect(
      buildSendBody(
        job({
          toWaId: '',
          content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'x' }),
        }),
      ),
    ).toBe('no recipient (wa_id or bsuid)');
    expect(
      buildSendBody(job({ content: MessageContent.fromPartial({ type: MessageType.ORDER }) })),
    ).toMatch(/cannot be sent/);
  });
});

describe('provider answers', () => {
  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('keeps the code, title, message and details of a Meta error', () => {
    const body = {
      error: {
        message: '(#131026) Message undeliverable',
        type: 'OAuthException',
        code: 131026,
        error_data: {
          messaging_product: 'whatsapp',
          details: 'Receiver is incapable of receiving this message',
        },
        fbtrace_id: 'x',
      },
    };
    expect(providerErrorOf(400, body)).toEqual({
      code: 131026,
      title: '(#131026) Message undeliverable',
      message: '(#131026) Message undeliverable',
      details: 'Receiver is incapable of receiving this message',
      href: '',
    });
    expect(providerErrorOf(404, 'not json')).toMatchObject({ code: 404, title: 'HTTP 404' });
  });

  it('keeps an odd Meta error encodable: a code beyond int32, fields that are not strings', () => {
    const e = providerErrorOf(400, { error: { code: 1e20, title: 7, message: { x: 1 } } });
    expect(e).toEqual({ code: 400, title: 'HTTP 400', message: 'HTTP 400', details: '', href: '' });
    expect(() => ProviderError.encode(e)).not.toThrow();
  });
});
