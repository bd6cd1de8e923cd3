// Channel marks: small inline SVG glyphs of our own (a round bubble with a handset, a bubble with
// a zigzag, a camera outline), coloured by CSS through currentColor. Inline, so the strict CSP
// (img-src 'self' data:) needs nothing new and no file is fetched.
import { Channel } from '@ue/proto';
import type { AccountIndex } from '../accounts/directory.js';
import {
  accountChannel,
  accountLabel,
  CHANNEL_NAMES,
  channelSlug,
  shownChannel,
  type AccountRef,
  type ShownChannel,
} from './accounts-format.js';

function Glyph(props: { channel: ShownChannel }) {
  switch (props.channel) {
    case Channel.MESSENGER:
      return (
        <>
          <path
            fill="currentColor"
            d="M8 1.5c-3.9 0-6.5 2.7-6.5 6 0 1.8.8 3.3 2.1 4.4V14.5l2.3-1.3c.7.2 1.4.3 2.1.3 3.9 0 6.5-2.7 6.5-6s-2.6-6-6.5-6z"
          />
          <path
            fill="none"
            stroke="#fff"
            stroke-width="1.5"
            stroke-linecap="round"
            stroke-linejoin="round"
            d="M4.2 9.3 6.8 6.6l2 1.6 3-2.8"
          />
        </>
      );
    case Channel.INSTAGRAM:
      return (
        <>
          <rect
            x="2"
            y="2"
            width="12"
            height="12"
            rx="3.5"
            fill="none"
            stroke="currentColor"
            stroke-width="1.6"
          />
          <circle cx="8" cy="8" r="2.7" fill="none" stroke="currentColor" stroke-width="1.6" />
          <circle cx="11.4" cy="4.6" r="0.9" fill="currentColor" />
        </>
      );
    case Channel.WHATSAPP:
      return (
        <>
          <path
            fill="currentColor"
            d="M8 1.5a6.3 6.3 0 0 0-5.5 9.4L1.5 14.5l3.7-1A6.3 6.3 0 1 0 8 1.5z"
          />
          <path
            fill="none"
            stroke="#fff"
            stroke-width="1.7"
            stroke-linecap="round"
            d="M5.6 5.4c.1 2.6 2.4 4.9 5 5"
          />
        </>
      );
  }
}

/** The channel's mark with its name as the accessible label (and a tooltip). */
export function ChannelIcon(props: { channel: Channel; decorative?: boolean }) {
  const c = shownChannel(props.channel);
  const name = CHANNEL_NAMES[c];
  return (
    <svg
      class={`ch-icon ch-${channelSlug(c)}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      focusable="false"
      {...(props.decorative ? { 'aria-hidden': 'true' } : { role: 'img', 'aria-label': name })}
    >
      {props.decorative ? null : <title>{name}</title>}
      <Glyph channel={c} />
    </svg>
  );
}

/** Icon and "WhatsApp · Berlin store" (the icon is decorative: the text names the channel). */
export function AccountSource(props: { of: AccountRef; accounts: AccountIndex | undefined }) {
  const channel = accountChannel(props.of, props.accounts);
  return (
    <span class="source-account">
      <ChannelIcon channel={channel} decorative={true} />{' '}
      <span dir="auto">
        {CHANNEL_NAMES[channel]} · {accountLabel(props.of, props.accounts)}
      </span>
    </span>
  );
}

/** Icon (labelled with the channel) and the account's name: list cells. */
export function AccountCell(props: { of: AccountRef; accounts: AccountIndex | undefined }) {
  return (
    <span class="source-account">
      <ChannelIcon channel={accountChannel(props.of, props.accounts)} />{' '}
      <span dir="auto">{accountLabel(props.of, props.accounts)}</span>
    </span>
  );
}
