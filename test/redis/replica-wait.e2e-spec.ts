import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { RedisRevocationStore, RevocationNotReplicatedError } from '../../lib/redis/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { obtainToken } from '../support/endpoints.js';
import { ask } from '../support/redis-cluster.js';
import { commandCalls, eventually, freePort, RedisServerProcess } from '../support/redis-server.js';

/**
 * WAIT for replicas on one server with a replica (both started here): a revocation resolves
 * only once the replica has it, and fails when no replica confirms. Shown by what the replica
 * holds and by the commands the primary ran, never by a time.
 */
const CLIENTS = ['ioredis', 'redis'] as const;

let primary: RedisServerProcess;
let replica: RedisServerProcess;
let replicaClient: Redis;

beforeAll(async () => {
  primary = new RedisServerProcess(await freePort());
  await primary.start();
  replica = new RedisServerProcess(await freePort(), { args: ['--replicaof', '127.0.0.1', '0'] });
  await replica.start();
  await ask(replica.port, ['REPLICAOF', '127.0.0.1', String(primary.port)]);
  const linked = async (): Promise<boolean> =>
    String(await ask(replica.port, ['INFO', 'replication'])).includes('master_link_status:up');
  if (!(await eventually(linked, 30_000))) throw new Error('the replica did not connect to its primary');
  replicaClient = new Redis(replica.url);
});

afterAll(async () => {
  replicaClient?.disconnect();
  await replica?.remove();
  await primary?.remove();
});

const waits = async (): Promise<number> => (await commandCalls(primary.url)).wait ?? 0;

describe.each(CLIENTS)('WAIT for replicas with %s', (clientLibrary) => {
  it('resolves a revocation only once the replica holds it (auto: the primary has a replica)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await RedisRevocationStore.fromUrl(primary.url, { prefix, clientLibrary });
    try {
      const before = await waits();
      for (let i = 0; i < 20; i++) {
        await store.markToken(`jti-${i}`, 'revoked', 60, 'alice');
        // Read on the replica right after: WAIT made the write reach it before markToken resolved.
        expect(await replicaClient.get(`${prefix}{alice}:t:jti-${i}`)).toBe('revoked');
      }
      await store.revokeSubject('alice', 1_700_000_000, 60);
      expect(await replicaClient.get(`${prefix}{alice}:s`)).toBe('1700000000');
      expect((await waits()) - before).toBe(21);
    } finally {
      await store.close();
    }
  });

  it('fails the revocation, naming WAIT, when no replica confirms in time (the replica is hung)', async () => {
    const store = await RedisRevocationStore.fromUrl(primary.url, {
      prefix: `test:${randomUUID()}:`,
      clientLibrary,
      waitTimeoutMs: 100,
    });
    replica.pause();
    try {
      const error = await store.markToken('jti', 'revoked', 60, 'alice').catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(RevocationNotReplicatedError);
      expect((error as Error).message).toContain('0 of the 1 replica(s)');
      await expect(store.revokeSubject('alice', 1, 60)).rejects.toThrow(RevocationNotReplicatedError);
    } finally {
      replica.resume();
      await store.close();
    }
  });

  it('sends no WAIT where the server has no replica (auto), and waits where told to', async () => {
    const alone = new RedisServerProcess(await freePort());
    await alone.start();
    try {
      const auto = await RedisRevocationStore.fromUrl(alone.url, { clientLibrary });
      await auto.markToken('jti', 'revoked', 60, 'alice');
      await auto.revokeFamily('family', 60, 'alice');
      expect((await commandCalls(alone.url)).wait).toBeUndefined();
      await auto.close();
      // Asked for one replica where there is none: the revocation fails.
      const strict = await RedisRevocationStore.fromUrl(alone.url, {
        clientLibrary,
        waitForReplicas: 1,
        waitTimeoutMs: 50,
      });
      await expect(strict.markToken('jti-2', 'revoked', 60, 'alice')).rejects.toThrow(RevocationNotReplicatedError);
      expect((await commandCalls(alone.url)).wait).toBe(1);
      await strict.close();
    } finally {
      await alone.remove();
    }
  });
});

describe.each(ADAPTERS)('a logout no replica confirms answers as a store outage (%s)', (adapter) => {
  let store: RedisRevocationStore;
  const t = useApp(adapter, () =>
    JwtAuthModule.forRootAsync({
      imports: [UsersModule],
      useFactory: async () => {
        store = await RedisRevocationStore.fromUrl(primary.url, {
          prefix: `test:${randomUUID()}:`,
          waitTimeoutMs: 100,
        });
        return { secretKey: SECRET, errorFormat: 'drf', loginThrottle: false, revocationStore: store };
      },
    }),
  );

  it('answers 503 while the replica is hung, and the token is not reported revoked; 200 once it is back', async () => {
    const token = await obtainToken(t.server);
    replica.pause();
    let response: request.Response;
    try {
      response = await request(t.server).post('/api-token-revoke/').send({ token });
    } finally {
      replica.resume();
    }
    expect({ status: response.status, body: response.body }).toEqual({
      status: 503,
      body: { detail: 'Token revocation status is unavailable.' },
    });
    const again = await request(t.server).post('/api-token-revoke/').send({ token });
    expect(again.status).toBe(200);
    expect((await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`)).status).toBe(401);
  });
});
