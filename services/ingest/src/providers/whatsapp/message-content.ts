// Content of one inbound WhatsApp message → MessageContent, per
// shared/docs/whatsapp-webhooks.md §5 (one mapper per type; unknown types are kept raw).
import {
  ContactCard,
  MessageContent,
  MessageContext,
  MessageType,
  ProviderError,
  Referral,
} from '@ue/proto';
import {
  arr,
  bool,
  field,
  int32,
  num,
  obj,
  readJson,
  str,
  type Json,
  type JsonObject,
} from './json.js';

// A Map, not an object literal: a type named "constructor" or "__proto__" must find nothing.
const MEDIA_TYPES = new Map<string, MessageType>([
  ['image', MessageType.IMAGE],
  ['video', MessageType.VIDEO],
  ['audio', MessageType.AUDIO],
  ['document', MessageType.DOCUMENT],
  ['sticker', MessageType.STICKER],
]);

/**
 * Entries kept per list (cards, order items, errors) and per card list (phones, emails, urls).
 * WhatsApp sends far fewer; the bound keeps one stored message well under MongoDB's 16 MB
 * document limit whatever a 3 MB body holds. The stored raw delivery keeps everything.
 */
const MAX_ITEMS = 256;
const MAX_CARD_ITEMS = 20;

/** The objects of a JSON list, at most max of them. */
function objects(v: Json | undefined, max: number): JsonObject[] {
  const out: JsonObject[] = [];
  for (const item of arr(v)) {
    const o = obj(item);
    if (o) out.push(o);
    if (out.length >= max) break;
  }
  return out;
}

/** Types whose content we map field by field; anything else is stored as unsupported. */
export const KNOWN_CONTENT_TYPES = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'order',
  'request_welcome',
  'unsupported',
  'system',
]);

function mediaContent(type: MessageType, m: JsonObject): MessageContent {
  return MessageContent.fromPartial({
    type,
    text: str(m.caption),
    media: {
      mediaId: str(m.id),
      mimeType: str(m.mime_type),
      sha256: str(m.sha256),
      filename: str(m.filename),
      url: str(m.url),
      voice: bool(m.voice),
      animated: bool(m.animated),
    },
  });
}

function contactCard(c: JsonObject): ContactCard {
  const name = obj(c.name) ?? {};
  const org = obj(c.org) ?? {};
  return ContactCard.fromPartial({
    formattedName: str(name.formatted_name),
    firstName: str(name.first_name),
    lastName: str(name.last_name),
    phones: objects(c.phones, MAX_CARD_ITEMS).map((p) => ({
      phone: str(p.phone),
      waId: str(p.wa_id),
      type: str(p.type),
    })),
    emails: objects(c.emails, MAX_CARD_ITEMS).map((e) => ({
      email: str(e.email),
      type: str(e.type),
    })),
    company: str(org.company),
    department: str(org.department),
    title: str(org.title),
    urls: arr(c.urls)
      .map((u) => str(obj(u)?.url ?? u))
      .filter((u) => u !== '')
      .slice(0, MAX_CARD_ITEMS),
    birthday: str(c.birthday),
  });
}

function interactiveContent(i: JsonObject): MessageContent {
  const kind = str(i.type);
  const reply = obj(field(i, kind)) ?? {};
  if (kind === 'nfm_reply') {
    // response_json is a JSON string inside the JSON: decode it once, to read flow_token.
    const responseJson = str(reply.response_json);
    // Not JSON: keep the string as sent, without a token.
    const decoded = readJson(responseJson);
    const flowToken = decoded.ok ? str(obj(decoded.value)?.flow_token) : '';
    return MessageContent.fromPartial({
      type: MessageType.INTERACTIVE,
      text: str(reply.body),
      interactive: { kind, flowName: str(reply.name), flowResponseJson: responseJson, flowToken },
    });
  }
  return MessageContent.fromPartial({
    type: MessageType.INTERACTIVE,
    text: str(reply.title),
    interactive: {
      kind,
      id: str(reply.id),
      title: str(reply.title),
      description: str(reply.description),
    },
  });
}

/** The content of a message object ({type, <type>: {...}}); also used for edit.message. */
export function messageContent(m: JsonObject): MessageContent {
  const type = str(m.type);
  const body = obj(field(m, type)) ?? {};
  const mediaType = MEDIA_TYPES.get(type);
  if (mediaType !== undefined) return mediaContent(mediaType, body);
  switch (type) {
    case 'text':
      return MessageContent.fromPartial({ type: MessageType.TEXT, text: str(body.body) });
    case 'location':
      return MessageContent.fromPartial({
        type: MessageType.LOCATION,
        location: {
          latitude: num(body.latitude),
          longitude: num(body.longitude),
          name: str(body.name),
          address: str(body.address),
          url: str(body.url),
        },
      });
    case 'contacts':
      return MessageContent.fromPartial({
        type: MessageType.CONTACTS,
        contacts: objects(m.contacts, MAX_ITEMS).map(contactCard),
      });
    case 'interactive':
      return interactiveContent(body);
    case 'button':
      return MessageContent.fromPartial({
        type: MessageType.BUTTON,
        text: str(body.text),
        button: { text: str(body.text), payload: str(body.payload) },
      });
    case 'order':
      return MessageContent.fromPartial({
        type: MessageType.ORDER,
        text: str(body.text),
        order: {
          catalogId: str(body.catalog_id),
          text: str(body.text),
          items: objects(body.product_items, MAX_ITEMS).map((p) => ({
            productRetailerId: str(p.product_retailer_id),
            quantity: num(p.quantity),
            itemPrice: num(p.item_price),
            currency: str(p.currency),
          })),
        },
      });
    case 'system':
      // Notices other than a number change (those become NumberChangeEvents upstream).
      return MessageContent.fromPartial({
        type: MessageType.SYSTEM,
        text: str(body.body),
        system: {
          kind: str(body.type),
          body: str(body.body),
          newWaId: str(body.wa_id),
          newBsuid: str(body.user_id),
        },
      });
    case 'request_welcome':
      return MessageContent.fromPartial({ type: MessageType.REQUEST_WELCOME });
    case 'unsupported':
      return MessageContent.fromPartial({
        type: MessageType.UNSUPPORTED,
        unsupportedType: str(body.type),
      });
    default:
      // A type this parser does not know yet: keep its name (the raw JSON goes with the event).
      return MessageContent.fromPartial({ type: MessageType.UNSUPPORTED, unsupportedType: type });
  }
}

export function messageContext(c: JsonObject | undefined): MessageContext | undefined {
  if (!c) return undefined;
  const product = obj(c.referred_product) ?? {};
  return MessageContext.fromPartial({
    replyToWamid: str(c.id),
    forwarded: bool(c.forwarded),
    frequentlyForwarded: bool(c.frequently_forwarded),
    referredProductCatalogId: str(product.catalog_id),
    referredProductRetailerId: str(product.product_retailer_id),
  });
}

export function referral(r: JsonObject | undefined): Referral | undefined {
  if (!r) return undefined;
  return Referral.fromPartial({
    sourceUrl: str(r.source_url),
    sourceId: str(r.source_id),
    sourceType: str(r.source_type),
    headline: str(r.headline),
    body: str(r.body),
    mediaType: str(r.media_type),
    imageUrl: str(r.image_url),
    videoUrl: str(r.video_url),
    thumbnailUrl: str(r.thumbnail_url),
    ctwaClid: str(r.ctwa_clid),
    welcomeMessageText: str(obj(r.welcome_message)?.text),
  });
}

export function providerErrors(v: Json | undefined): ProviderError[] {
  return objects(v, MAX_ITEMS).map((e) =>
    ProviderError.fromPartial({
      code: int32(e.code),
      title: str(e.title),
      message: str(e.message),
      details: str(obj(e.error_data)?.details),
      href: str(e.href),
    }),
  );
}
