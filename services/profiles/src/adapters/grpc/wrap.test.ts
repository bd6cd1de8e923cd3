import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  type TopologyDescription,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { toAppError } from './wrap.js';

const server = (code: number, errorLabels: string[] = []) =>
  new MongoServerError({ message: `code ${code}`, errmsg: `code ${code}`, code, errorLabels });

const labelled = <E extends MongoServerError>(err: E, label: string): E => {
  err.addErrorLabel(label);
  return err;
};

/** What the driver raises while a MongoDB-wire server shuts down, steps down or restarts. */
const SHUTDOWN_ERRORS: [string, unknown][] = [
  ['91 ShutdownInProgress', server(91)],
  ['11600 InterruptedAtShutdown', server(11600)],
  ['11602 InterruptedDueToReplStateChange', server(11602)],
  ['189 PrimarySteppedDown', server(189)],
  ['10107 NotWritablePrimary', server(10107)],
  ['13436 NotPrimaryOrSecondary', server(13436)],
  ['RetryableWriteError label', server(2, ['RetryableWriteError'])],
  ['TransientTransactionError label', server(251, ['TransientTransactionError'])],
  ['ResetPool label', labelled(server(8), 'ResetPool')],
  ['MongoNetworkError', new MongoNetworkError('read ECONNRESET')],
  [
    'a bulk write that lost its connection',
    Object.assign(new Error('read ECONNRESET'), {
      name: 'MongoBulkWriteError',
      errorResponse: new MongoNetworkError('read ECONNRESET'),
    }),
  ],
  [
    'MongoServerSelectionError',
    new MongoServerSelectionError('no server', {} as TopologyDescription),
  ],
  ['MongoNotConnectedError', new MongoNotConnectedError('not connected')],
  ['MongoTopologyClosedError', new MongoTopologyClosedError()],
  [
    'PoolClearedError',
    new (class extends MongoNetworkError {
      override get name() {
        return 'MongoPoolClearedError';
      }
    })('Connection pool for 127.0.0.1:27017 was cleared because another operation failed'),
  ],
  [
    'EPIPE the driver passes through',
    Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }),
  ],
  [
    'write concern error 91',
    new MongoWriteConcernError({
      writeConcernError: { code: 91, errmsg: 'shutting down' },
    } as ConstructorParameters<typeof MongoWriteConcernError>[0]),
  ],
];

describe('toAppError', () => {
  it.each(SHUTDOWN_ERRORS)('maps %s to UNAVAILABLE (retryable)', (_, err) => {
    const app = toAppError(err);
    expect(app.code).toBe('UNAVAILABLE');
    expect(app.message).toMatch(/unavailable, retry later$/);
  });

  it('keeps real server errors INTERNAL and a time limit a deadline', () => {
    expect(toAppError(server(2)).code).toBe('INTERNAL'); // BadValue: a bug, not an outage
    expect(toAppError(server(11000)).code).toBe('INTERNAL');
    expect(toAppError(server(50)).code).toBe('DEADLINE_EXCEEDED'); // MaxTimeMSExpired
  });
});
