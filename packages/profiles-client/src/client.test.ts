// Construction only: grpc-js connects lazily, so nothing here opens a socket.
import { describe, expect, it } from 'vitest';
import { createProfilesClient } from './client.js';

describe('createProfilesClient', () => {
  it('puts the bearer token on fresh metadata for every call', () => {
    const client = createProfilesClient({ addr: '127.0.0.1:1', token: 'tok-carol-123' });
    const a = client.metadata();
    a.set('authorization', 'tampered');
    expect(client.metadata().get('authorization')).toEqual(['Bearer tok-carol-123']);
    expect(client.metadata().getOptions().waitForReady).toBe(false);
    client.close();
  });

  it('asks calls to wait for a reconnecting channel only when told to', () => {
    const client = createProfilesClient({ addr: '127.0.0.1:1', token: 't', waitForReady: true });
    expect(client.metadata().getOptions().waitForReady).toBe(true);
    client.close();
  });
});
