// What one Messenger / Instagram message holds → MessageContent (one per attachment), its
// context, and the referral mapping. Attachment types without a counterpart here (a shared
// post, a story mention, a location pin, a link preview) are stored as unsupported under the
// name Meta uses, with the message's raw JSON; an unknown type the same way, and listed.
import { MessageContent, MessageContext, MessageType, Referral } from '@ue/proto';
import { fitText } from '../event-limits.js';
import { noteType, type ParsedDelivery } from '../whatsapp/delivery-scope.js';
import { field, obj, str, type JsonObject } from '../whatsapp/json.js';

// Maps, not object literals: a type named "constructor" or "__proto__" must find nothing.
const MEDIA_TYPES = new Map<string, MessageType>([
  ['image', MessageType.IMAGE],
  ['video', MessageType.VIDEO],
  ['audio', MessageType.AUDIO],
  ['file', MessageType.DOCUMENT],
]);

/** Attachment types Meta documents that have no counterpart here: unsupported, not unknown. */
const KNOWN_UNSUPPORTED = new Set([
  'location',
  'fallback',
  'template',
  'share',
  'story_mention',
  'ig_reel',
  'reel',
  'ig_post',
  'product',
]);

/** Reaction names of older payloads, which carry no emoji. */
export const REACTION_EMOJI = new Map<string, string>([
  ['like', '👍'],
  ['dislike', '👎'],
  ['love', '😍'],
  ['smile', '😆'],
  ['wow', '😮'],
  ['sad', '😢'],
  ['angry', '😠'],
]);

/** The last path segment of a file URL, when it looks like a file name ("Angebot.pdf"). */
function fileNameOf(url: string): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
  // Printable, no path separators, with an extension.
  return /^[^\\/\p{Cc}]+\.[A-Za-z0-9]{1,8}$/u.test(name) ? fitText(name, 255) : '';
}

/** A sticker (Messenger's like button is one) names a sticker_id beside its image URL. */
const isSticker = (payload: JsonObject): boolean => str(payload.sticker_id) !== '';

/** One attachment as content; `text` is the message's text (it goes with the first one). */
export function attachmentContent(
  out: ParsedDelivery,
  a: { attachment: JsonObject; text: string },
): MessageContent {
  const type = str(a.attachment.type);
  const payload = obj(a.attachment.payload) ?? {};
  const url = str(payload.url);
  const media = isSticker(payload) ? MessageType.STICKER : MEDIA_TYPES.get(type);
  if (media !== undefined) {
    const filename = media === MessageType.DOCUMENT ? fileNameOf(url) : '';
    return MessageContent.fromPartial({ type: media, text: a.text, media: { url, filename } });
  }
  if (!KNOWN_UNSUPPORTED.has(type)) noteType(out, `attachment:${type}`);
  return MessageContent.fromPartial({
    type: MessageType.UNSUPPORTED,
    text: a.text,
    unsupportedType: type || 'unknown',
  });
}

/**
 * A text message, or a tap on one of our quick replies: a button reply whose id is the
 * payload we set and whose title is what the button said.
 */
export function textContent(m: JsonObject): MessageContent {
  const text = str(m.text);
  const quickReply = obj(m.quick_reply);
  if (!quickReply) return MessageContent.fromPartial({ type: MessageType.TEXT, text });
  return MessageContent.fromPartial({
    type: MessageType.INTERACTIVE,
    text,
    interactive: { kind: 'button_reply', id: str(quickReply.payload), title: text },
  });
}

/** reply_to.story (Instagram): the id of the story the customer answered. */
export function storyOf(m: JsonObject): string | undefined {
  const story = obj(obj(m.reply_to)?.story);
  return story ? str(story.id) || 'unknown' : undefined;
}

/**
 * reply_to.mid → the quoted message. A story reply names no message of ours: its context says
 * `story:<story id>` (the raw JSON keeps the story's URL).
 */
export function contextOf(m: JsonObject): MessageContext | undefined {
  const story = storyOf(m);
  const mid = story !== undefined ? `story:${story}` : str(obj(m.reply_to)?.mid);
  return mid ? MessageContext.fromPartial({ replyToWamid: fitText(mid, 256) }) : undefined;
}

/**
 * Messenger / Instagram referral (m.me or ig.me link, ad, chat plugin) onto the WhatsApp-shaped
 * Referral: source ADS → "ad", else the source in lower case ("shortlink",
 * "customer_chat_plugin"); source_id the ad id, else the link's `ref`; source_url the website of
 * a chat plugin; headline, image and video from the ad. Everything else stays in the raw delivery.
 */
export function metaReferral(r: JsonObject | undefined): Referral | undefined {
  if (!r) return undefined;
  const ad = obj(r.ads_context_data) ?? {};
  const source = str(r.source).toLowerCase();
  const imageUrl = str(ad.photo_url);
  const videoUrl = str(ad.video_url);
  return Referral.fromPartial({
    sourceType: source === 'ads' ? 'ad' : source,
    sourceId: str(r.ad_id) || str(r.ref),
    sourceUrl: str(r.referer_uri),
    headline: str(ad.ad_title),
    mediaType: videoUrl ? 'video' : imageUrl ? 'image' : '',
    imageUrl,
    videoUrl,
  });
}

/** A messaging item's own part by key (message, postback, …), only as an own property. */
export function part(item: JsonObject, key: string): JsonObject | undefined {
  return obj(field(item, key));
}
