// Enum fields arrive as plain numbers: ts-proto passes any int32 through (99 stays 99), so every
// enum a request carries is checked against the values the contract declares before it is used
// or stored. Sets of declared values, never `in` on the enum object (which also holds names).
import { AppError } from '@ue/kit';
import {
  ActionOwner,
  ActorKind,
  Channel,
  DeliveryStatus,
  EventKind,
  LogEntryKind,
  LogEntryState,
  MessageType,
  PersonRule,
  ReviewState,
  Sentiment,
  SentimentTrend,
  StatsBucket,
  UserSort,
  UserStatus,
} from '@ue/proto';

/** The declared numbers of a ts-proto enum (its UNRECOGNIZED = -1 is not one of them). */
function declared<E extends number>(e: Record<string, string | number>): ReadonlySet<E> {
  return new Set(
    Object.values(e).filter((v): v is E => typeof v === 'number' && Number.isInteger(v) && v >= 0),
  );
}

export const ENUMS = {
  actionOwner: declared<ActionOwner>(ActionOwner),
  actorKind: declared<ActorKind>(ActorKind),
  channel: declared<Channel>(Channel),
  deliveryStatus: declared<DeliveryStatus>(DeliveryStatus),
  eventKind: declared<EventKind>(EventKind),
  logEntryKind: declared<LogEntryKind>(LogEntryKind),
  logEntryState: declared<LogEntryState>(LogEntryState),
  messageType: declared<MessageType>(MessageType),
  personRule: declared<PersonRule>(PersonRule),
  reviewState: declared<ReviewState>(ReviewState),
  sentiment: declared<Sentiment>(Sentiment),
  sentimentTrend: declared<SentimentTrend>(SentimentTrend),
  statsBucket: declared<StatsBucket>(StatsBucket),
  userSort: declared<UserSort>(UserSort),
  userStatus: declared<UserStatus>(UserStatus),
} as const;

/** The value when the contract declares it; INVALID_ARGUMENT naming the field otherwise. */
export function checkEnum<E extends number>(field: string, values: ReadonlySet<E>, value: E): E {
  if (!values.has(value)) throw AppError.invalid(field, `unknown value ${String(value)}`);
  return value;
}

/** As checkEnum, and the UNSPECIFIED value (0) is refused too. */
export function requireEnum<E extends number>(field: string, values: ReadonlySet<E>, value: E): E {
  checkEnum(field, values, value);
  if (Number(value) === 0) throw AppError.invalid(field, 'required');
  return value;
}
