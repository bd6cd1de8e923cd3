// View-model fixtures, including hostile ones: what a user may type ends up in names, texts,
// tags, facts and notes.
import {
  Account,
  ActionOwner,
  ActorKind,
  Channel,
  DeliveryStatus,
  Direction,
  Fact,
  LogEntry,
  LogEntryKind,
  LogEntryState,
  Message,
  MessageType,
  Person,
  PersonRule,
  Review,
  ReviewState,
  ReviewSummary,
  Sentiment,
  SentimentTrend,
  User,
  UserStatus,
} from '@ue/proto';

export const HOSTILE = [
  '<script>alert("xss")</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  "'; DROP TABLE users; --",
  '\u202Eالعربية RTL مرحبا\u202C',
  '🧨🔥 emoji 👩🏽‍💻',
  '=HYPERLINK("http://evil.example","click")',
].join(' ');

export const NOW = new Date('2026-11-21T12:00:00Z');
const ago = (min: number): Date => new Date(NOW.getTime() - min * 60_000);

export function hostileUser(over: Partial<User> = {}): User {
  return User.fromPartial({
    id: 'u1',
    accountId: '100200300',
    waId: '4915112345678',
    profile: {
      name: HOSTILE,
      phoneE164: '+4915112345678',
      email: '"><script>x</script>@evil.test',
      username: '<b>u</b>',
      avatarUrl: 'javascript:alert(1)',
    },
    sourcePlatform: 'whatsapp',
    referral: { sourceUrl: 'javascript:alert(1)', sourceType: 'ad', headline: HOSTILE },
    status: UserStatus.IN_PROGRESS,
    tags: ['<script>t</script>', '"><img onerror=x>'],
    paused: false,
    createdAt: ago(60 * 24 * 3),
    lastInteractionAt: ago(5),
    lastInboundAt: ago(5),
    serviceWindowExpiresAt: new Date(NOW.getTime() + 3600_000),
    lastMessage: {
      messageId: 'm1',
      direction: Direction.INBOUND,
      type: MessageType.TEXT,
      text: HOSTILE,
      at: ago(5),
    },
    needsReply: true,
    ...over,
  });
}

export function hostileMessages(): Message[] {
  const base = { accountId: '100200300', userId: 'u1' };
  return [
    Message.fromPartial({
      ...base,
      id: 'm1',
      direction: Direction.INBOUND,
      content: { type: MessageType.TEXT, text: HOSTILE },
      sentAt: ago(5),
      reactions: [{ emoji: '<img src=x onerror=alert(2)>' }],
      context: { replyToMessageId: 'm2', replyToWamid: 'wamid.x' },
    }),
    Message.fromPartial({
      ...base,
      id: 'm2',
      direction: Direction.OUTBOUND,
      content: { type: MessageType.TEXT, text: HOSTILE },
      status: DeliveryStatus.READ,
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: '<script>carol</script>' },
      sentAt: ago(10),
    }),
    Message.fromPartial({
      ...base,
      id: 'm3',
      direction: Direction.OUTBOUND,
      content: { type: MessageType.TEXT, text: 'failed one' },
      status: DeliveryStatus.FAILED,
      errors: [{ code: 131026, title: '<script>err</script>', details: HOSTILE }],
      sentAt: ago(11),
    }),
    Message.fromPartial({
      ...base,
      id: 'm4',
      direction: Direction.INBOUND,
      content: {
        type: MessageType.IMAGE,
        text: HOSTILE,
        media: {
          filename: '"><svg onload=alert(1)>.png',
          mimeType: 'image/png',
          url: 'javascript:alert(1)',
        },
      },
      sentAt: ago(12),
    }),
    Message.fromPartial({
      ...base,
      id: 'm5',
      direction: Direction.INBOUND,
      content: {
        type: MessageType.LOCATION,
        location: {
          latitude: 52.52,
          longitude: 13.405,
          name: HOSTILE,
          address: '<b>addr</b>',
          url: 'javascript:alert(1)',
        },
      },
      sentAt: ago(13),
    }),
    Message.fromPartial({
      ...base,
      id: 'm6',
      direction: Direction.INBOUND,
      content: {
        type: MessageType.CONTACTS,
        contacts: [
          {
            formattedName: HOSTILE,
            phones: [{ phone: '<script>1</script>' }],
            emails: [{ email: 'a@b.c' }],
            urls: ['javascript:alert(1)'],
          },
        ],
      },
      sentAt: ago(14),
    }),
    Message.fromPartial({
      ...base,
      id: 'm7',
      direction: Direction.INBOUND,
      content: {
        type: MessageType.INTERACTIVE,
        interactive: { kind: 'button_reply', title: HOSTILE },
      },
      sentAt: ago(15),
    }),
    Message.fromPartial({
      ...base,
      id: 'm8',
      direction: Direction.INBOUND,
      content: {
        type: MessageType.ORDER,
        order: {
          text: HOSTILE,
          items: [
            { productRetailerId: '<i>sku</i>', quantity: 2, itemPrice: 9.5, currency: 'EUR' },
          ],
        },
      },
      sentAt: ago(16),
    }),
    Message.fromPartial({
      ...base,
      id: 'm9',
      direction: Direction.INBOUND,
      content: { type: MessageType.TEXT, text: 'now edited' },
      edits: [{ previousText: HOSTILE, editedAt: ago(17) }],
      sentAt: ago(18),
    }),
    Message.fromPartial({
      ...base,
      id: 'm10',
      direction: Direction.INBOUND,
      content: { type: MessageType.TEXT, text: HOSTILE },
      revoked: true,
      revokedAt: ago(19),
      sentAt: ago(20),
    }),
    Message.fromPartial({
      ...base,
      id: 'm11',
      direction: Direction.INBOUND,
      content: { type: MessageType.UNSUPPORTED, unsupportedType: '<script>poll</script>' },
      sentAt: ago(21),
    }),
    Message.fromPartial({
      ...base,
      id: 'm12',
      direction: Direction.INBOUND,
      content: { type: MessageType.BUTTON, button: { text: HOSTILE, payload: 'javascript:x' } },
      sentAt: ago(22),
    }),
  ];
}

export function hostileFacts(): Fact[] {
  return [
    Fact.fromPartial({
      userId: 'u1',
      key: '<script>k</script>',
      value: HOSTILE,
      confidence: 0.8,
      sourceMessageId: '"><img onerror=1>',
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: HOSTILE },
      recordedAt: ago(30),
      version: 2,
    }),
  ];
}

export function hostileLog(): LogEntry[] {
  return [
    LogEntry.fromPartial({
      id: 'l1',
      userId: 'u1',
      kind: LogEntryKind.NOTE,
      text: HOSTILE,
      author: { kind: ActorKind.ADMIN, id: 'a', displayName: HOSTILE },
      createdAt: ago(40),
      state: LogEntryState.OPEN,
    }),
    LogEntry.fromPartial({
      id: 'l2',
      userId: 'u1',
      kind: LogEntryKind.FOLLOW_UP,
      text: HOSTILE,
      dueAt: ago(30),
      createdAt: ago(50),
      state: LogEntryState.OPEN,
    }),
  ];
}

/** The latest review as ListUsers shows it: a poor score, negative, by the local model. */
export function hostileReviewSummary(over: Partial<ReviewSummary> = {}): ReviewSummary {
  return ReviewSummary.fromPartial({
    reviewId: 'r2',
    score: 38,
    sentiment: Sentiment.NEGATIVE,
    headline: HOSTILE,
    openActionItems: 2,
    reviewedAt: ago(30),
    coveredUntil: ago(30),
    provider: 'local',
    hasReview: true,
    ...over,
  });
}

/** ListReviews for u1, newest first: a failed attempt, the current review, an older one. */
export function hostileReviews(): Review[] {
  const base = { userId: 'u1', model: '<b>qwen</b>', promptVersion: 'v1"><x>' };
  return [
    Review.fromPartial({
      ...base,
      id: 'r3',
      state: ReviewState.FAILED,
      error: `model timed out ${HOSTILE}`,
      provider: 'openai',
      reviewedAt: ago(20),
    }),
    Review.fromPartial({
      ...base,
      id: 'r2',
      state: ReviewState.DONE,
      summary: HOSTILE,
      conversationLanguage: 'de',
      displayLanguage: '<script>en</script>',
      topics: ['<script>topic</script>', 'javascript:alert(1)'],
      sentiment: Sentiment.NEGATIVE,
      sentimentTrend: SentimentTrend.WORSENING,
      actionItems: [
        { text: HOSTILE, owner: ActionOwner.HUMAN },
        { text: 'Send the invoice', owner: ActionOwner.AGENT },
      ],
      score: 38,
      uncappedScore: 71,
      criteria: [
        { key: 'response_time', score: 2, weight: 30, measured: true, reason: HOSTILE },
        { key: '<img src=x onerror=1>', score: 9, weight: 70, measured: false, reason: HOSTILE },
      ],
      signals: {
        firstResponseMs: 3_600_000,
        unansweredQuestions: 2,
        failedDeliveries: 1,
        humanTakeovers: 1,
        inboundMessages: 6,
        outboundMessages: 3,
        scoreCap: 38,
        capReasons: [HOSTILE],
      },
      range: {
        firstMessageId: 'm12',
        lastMessageId: '"><script>m</script>',
        firstAt: ago(60),
        lastAt: ago(30),
        messageCount: 9,
      },
      provider: 'local',
      reviewedAt: ago(30),
      durationMs: 4200,
      reviewer: { kind: ActorKind.AGENT, id: 'review', displayName: HOSTILE },
    }),
    Review.fromPartial({
      ...base,
      id: 'r1',
      state: ReviewState.DONE,
      summary: 'Went fine at first.',
      sentiment: Sentiment.POSITIVE,
      score: 81,
      uncappedScore: 81,
      provider: 'openai',
      reviewedAt: ago(120),
    }),
  ];
}

/** A WhatsApp number with a hostile name and a policy, an unnamed Page, an Instagram account. */
export function hostileAccounts(): Account[] {
  return [
    Account.fromPartial({
      id: '100200300',
      channel: Channel.WHATSAPP,
      name: `${HOSTILE} Berlin store`,
      displayId: '+49 30 1234567',
      businessId: 'waba-1',
      credentialsRef: 'WHATSAPP_TOKEN_BERLIN',
      retention: { messagesDays: 30, mediaDays: 7, deliveriesDays: 0, reviewTextsDays: 0 },
      health: { lastDeliveryAt: ago(3), lastErrorAt: ago(2), lastError: HOSTILE },
      inboundMessages: 1234,
      outboundMessages: 567,
      users: 89,
      lastActivityAt: ago(3),
    }),
    Account.fromPartial({ id: '556677889900', channel: Channel.MESSENGER }),
    Account.fromPartial({
      id: '1784140000',
      channel: Channel.INSTAGRAM,
      name: '',
      displayId: '@acme<b>shop</b>',
      health: { lastDeliveryAt: ago(60) },
    }),
  ];
}

/** u1's Messenger identity (its other channel), on the unnamed Page. */
export function messengerIdentity(over: Partial<User> = {}): User {
  return hostileUser({
    id: 'u2',
    accountId: '556677889900',
    channel: Channel.MESSENGER,
    waId: '',
    scopedId: '24680135792468',
    personId: 'p1',
    profile: { name: 'Lena V.', email: 'lena@example.com' },
    lastInboundAt: ago(2),
    lastInteractionAt: ago(2),
    serviceWindowExpiresAt: new Date(NOW.getTime() + 7200_000),
    ...over,
  });
}

/**
 * u1 and u2 as one person: a join by an admin with a hostile reason (active), an earlier one
 * undone, and a suggestion to join u3 by email.
 */
export function hostilePerson(): Person {
  const admin = { kind: ActorKind.ADMIN, id: 'a1', displayName: HOSTILE };
  return Person.fromPartial({
    id: 'p1',
    identities: [messengerIdentity(), hostileUser({ personId: 'p1' })],
    links: [
      {
        id: 'l-active',
        personId: 'p1',
        fromPersonId: 'p2',
        userIds: ['u2'],
        rule: PersonRule.SAME_EMAIL,
        by: admin,
        at: ago(10),
        reason: HOSTILE,
      },
      {
        id: 'l-undone',
        personId: 'p1',
        fromPersonId: 'p9',
        userIds: ['u9'],
        rule: PersonRule.MANUAL,
        by: admin,
        at: ago(100),
        reason: 'looked alike',
        undoneAt: ago(90),
        undoneBy: { kind: ActorKind.ADMIN, id: 'a2', displayName: 'Ben Admin' },
        undoReason: `not the same ${HOSTILE}`,
      },
    ],
    suggestions: [
      { userId: 'u3', personId: 'p3', rule: PersonRule.PHONE_IN_FACTS, reason: HOSTILE },
    ],
    lastInteractionAt: ago(2),
  });
}
