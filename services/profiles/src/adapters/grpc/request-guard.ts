// Requests the generated decoder cannot represent faithfully are refused as INVALID_ARGUMENT
// naming the field, before any handler runs. ts-proto turns a google.protobuf.Timestamp into a
// Date: seconds beyond 2^53 make its decoder throw (and grpc-js answers INTERNAL "Error
// deserializing request" without calling the handler), nanos outside 0..999,999,999 shift the
// Date silently, seconds beyond what a Date holds give an Invalid Date. So each request that
// carries Timestamps is read a second time with protobufjs (through proto-loader, int64 as
// strings) and every Timestamp in it is checked against the type's documented range
// (https://protobuf.dev/reference/protobuf/google.protobuf/#timestamp: years 1..9999). The range
// a use case accepts is narrower (domain/limits.ts TIME_RANGE); it checks that itself.
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type MessageTypeDefinition, type PackageDefinition } from '@grpc/proto-loader';
import { AppError, isAppError } from '@ue/kit';
import { protoFiles, protoRoot } from '@ue/proto';

const TIMESTAMP = 'google.protobuf.Timestamp';
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
const SECONDS = { min: -62_135_596_800n, max: 253_402_300_799n };
const NANOS_MAX = 999_999_999;

const REJECTED = Symbol('rejected request');
interface Rejected {
  [REJECTED]: AppError;
}

/** The error a guarded deserializer put in place of a request it refused. */
export function rejectionOf(req: unknown): AppError | undefined {
  return typeof req === 'object' && req !== null && REJECTED in req
    ? (req as Rejected)[REJECTED]
    : undefined;
}

interface FieldDescriptor {
  name: string;
  label: string;
  type: string;
  typeName: string;
}
/** A field on the way to a Timestamp: its name, whether repeated, and its message type. */
interface Step {
  name: string;
  repeated: boolean;
  type: string;
}
type Plan = Map<string, Step[]>;
interface MethodOf {
  path: string;
  requestType: { type: { name: string } };
}

const isMessageType = (d: unknown): d is MessageTypeDefinition<object, object> =>
  (d as { format?: string }).format === 'Protocol Buffer 3 DescriptorProto';

/** A type name as written in a field, resolved from the scope of the message that uses it. */
function resolve(def: PackageDefinition, scope: string, typeName: string): string {
  if (typeName.startsWith('.')) return typeName.slice(1);
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i -= 1) {
    const name = [...parts.slice(0, i), typeName].join('.');
    if (name === TIMESTAMP || def[name]) return name;
  }
  return typeName;
}

/** For every message type: its fields that hold a Timestamp or lead to one. */
function planOf(def: PackageDefinition): Plan {
  const plan: Plan = new Map();
  const visit = (name: string): boolean => {
    if (name === TIMESTAMP) return true;
    const known = plan.get(name);
    if (known) return known.length > 0;
    const t = def[name];
    if (!t || !isMessageType(t)) return false;
    plan.set(name, []); // a recursive type stops here
    const fields = (t.type as { field?: FieldDescriptor[] }).field ?? [];
    const steps = fields
      .filter((f) => f.type === 'TYPE_MESSAGE')
      .map((f) => ({
        name: f.name,
        repeated: f.label === 'LABEL_REPEATED',
        type: resolve(def, name, f.typeName),
      }))
      .filter((s) => visit(s.type));
    plan.set(name, steps);
    return steps.length > 0;
  };
  for (const name of Object.keys(def)) visit(name);
  return plan;
}

interface WireTimestamp {
  seconds?: string | number;
  nanos?: number;
}

function checkTimestamp(field: string, t: WireTimestamp): void {
  let seconds: bigint;
  try {
    seconds = BigInt(t.seconds ?? 0);
  } catch {
    seconds = SECONDS.max + 1n;
  }
  const nanos = t.nanos ?? 0;
  if (seconds < SECONDS.min || seconds > SECONDS.max || nanos < 0 || nanos > NANOS_MAX)
    throw AppError.invalid(
      field,
      'not a valid Timestamp (seconds within years 1 to 9999, nanos 0 to 999,999,999)',
    );
}

function walk(plan: Plan, type: string, at: { value: unknown; path: string }): void {
  if (type === TIMESTAMP) return checkTimestamp(at.path, at.value as WireTimestamp);
  const prefix = at.path ? `${at.path}.` : '';
  for (const step of plan.get(type) ?? []) {
    const v = (at.value as Record<string, unknown>)[step.name];
    if (v === undefined || v === null) continue;
    if (step.repeated && Array.isArray(v))
      v.forEach((item, i) =>
        walk(plan, step.type, { value: item, path: `${prefix}${step.name}[${i}]` }),
      );
    else walk(plan, step.type, { value: v, path: `${prefix}${step.name}` });
  }
}

/** Method path -> full name and codec of its request type, for every service in `def`. */
function requestTypesOf(def: PackageDefinition) {
  const types = new Map<string, { name: string; type: MessageTypeDefinition<object, object> }>();
  for (const [service, d] of Object.entries(def)) {
    if ((d as { format?: string }).format) continue; // a message or an enum, not a service
    for (const m of Object.values(d as Record<string, MethodOf>)) {
      const name = resolve(def, service, m.requestType.type.name);
      const type = def[name];
      if (type && isMessageType(type)) types.set(m.path, { name, type });
    }
  }
  return types;
}

/**
 * The service with each request deserializer guarded: a request with an invalid Timestamp, or
 * one the generated decoder throws on, becomes a marker the wrapper answers INVALID_ARGUMENT.
 */
export function guardRequests<S extends ServiceDefinition>(service: S): S {
  const def = loadSync([...protoFiles], {
    includeDirs: [protoRoot],
    keepCase: true,
    longs: String,
    enums: Number,
    defaults: false,
    oneofs: false,
  });
  const plan = planOf(def);
  const requestTypes = requestTypesOf(def);
  const guarded: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(service)) {
    const req = requestTypes.get(method.path);
    const checked = req && (plan.get(req.name)?.length ?? 0) > 0 ? req : undefined;
    const decode = method.requestDeserialize;
    guarded[key] = {
      ...method,
      requestDeserialize: (buf: Buffer): unknown => {
        try {
          if (checked) walk(plan, checked.name, { value: checked.type.deserialize(buf), path: '' });
          return decode(buf);
        } catch (err) {
          const rejection = isAppError(err)
            ? err
            : AppError.invalid('request', 'not a valid protobuf message of this method');
          return { [REJECTED]: rejection } satisfies Rejected;
        }
      },
    };
  }
  return guarded as S;
}
