import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CachedRevocationStore, RedisRevocationStore } from '../../lib/redis/index.js';
import { clusterSlot } from '../../lib/redis/redis-key-layout.js';
import type { RevocationState } from '../../lib/index.js';
import { ask, type ClusterNode, RedisClusterProcesses } from '../support/redis-cluster.js';
import { eventually } from '../support/redis-server.js';

/**
 * A revocation survives a failover: right after it resolves, the primary that holds it is
 * killed (SIGKILL, as in a crash) and its replica takes over (CLUSTER FAILOVER TAKEOVER); the
 * revoked token stays refused, with the local cache too. The cluster is this file's own (six
 * redis-server processes, three primaries: each test fails one over).
 */
const PREFIX = `nest-rest-jwt-test:${randomUUID()}:`;
let cluster: RedisClusterProcesses;

beforeAll(async () => {
  cluster = await RedisClusterProcesses.start();
}, 120_000);

afterAll(async () => {
  await cluster?.remove();
});

/** A subject whose keys live on `primary` (which owns some slots), found by trying names. */
function subjectOn(primary: ClusterNode): string {
  for (let i = 0; ; i++) {
    const subject = `user-${i}`;
    const slot = clusterSlot(`${PREFIX}{${subject}}`);
    if (primary.slots.some(([from, to]) => from <= slot && slot <= to)) return subject;
  }
}

/** A primary that still has its replica (an earlier test may have failed one over), and that replica. */
async function replicatedPrimary(): Promise<{
  primary: ClusterNode;
  replica: ClusterNode;
  subject: string;
  slot: number;
}> {
  const nodes = await cluster.topology(await cluster.livePort());
  const replicated = (node: ClusterNode): boolean =>
    nodes.some((other) => other.primaryId === node.id && !other.failed);
  const primary = nodes.find((node) => node.primary && !node.failed && node.slots.length > 0 && replicated(node))!;
  const subject = subjectOn(primary);
  const slot = clusterSlot(`${PREFIX}{${subject}}`);
  // As the primary itself sees it.
  let replicas: ClusterNode[] = [];
  const oneReplica = async (): Promise<boolean> => {
    replicas = (await cluster.owners(slot, primary.port)).replicas;
    return replicas.length === 1;
  };
  expect(await eventually(oneReplica, 30_000, 100)).toBe(true);
  return { primary, replica: replicas[0], subject, slot };
}

/** Kills the primary at once and makes its replica the primary without it. */
async function failOver(primary: ClusterNode, replica: ClusterNode, slot: number): Promise<void> {
  await cluster.server(primary.port).kill();
  await ask(replica.port, ['CLUSTER', 'FAILOVER', 'TAKEOVER']);
  const promoted = async (): Promise<boolean> =>
    (await cluster.owners(slot, replica.port).catch(() => undefined))?.primary.port === replica.port;
  expect(await eventually(promoted, 60_000, 100)).toBe(true);
}

describe.each(['ioredis', 'redis'] as const)('a revocation and a primary failover (%s)', (clientLibrary) => {
  it('keeps the revoked token, its subject and its chain refused after the replica takes over', async () => {
    const { primary, replica, subject, slot } = await replicatedPrimary();

    const store = await RedisRevocationStore.fromClusterNodes(cluster.nodes, { prefix: PREFIX, clientLibrary });
    try {
      const jti = randomUUID();
      await store.markToken(jti, 'revoked', 300, subject);
      await store.revokeFamily('chain', 300, subject);
      await store.revokeSubject(subject, 1_700_000_000, 300);
      // At once: the primary dies, its replica is made the primary without it.
      await failOver(primary, replica, slot);

      // Lookups may fail while the client finds the new primary (fail closed), never answer open.
      const answers: RevocationState[] = [];
      const answered = async (): Promise<boolean> => {
        const state = await store.lookup({ jti, subject, family: 'chain' }).catch(() => undefined);
        if (state !== undefined) answers.push(state);
        return state !== undefined;
      };
      expect(await eventually(answered, 60_000, 100)).toBe(true);
      for (const state of answers) {
        expect(state).toEqual({ token: 'revoked', subjectRevokedAt: 1_700_000_000, familyRevoked: true });
      }
      // And on the new primary itself.
      expect(await ask(replica.port, ['GET', `${PREFIX}{${subject}}:t:${jti}`])).toBe('revoked');
    } finally {
      await store.close();
    }
  }, 180_000);
});

describe('the local cache and a primary failover (CachedRevocationStore on both instances)', () => {
  it('refuses a token revoked on the other instance before the failover, and one revoked after it', async () => {
    const { primary, replica, subject, slot } = await replicatedPrimary();
    const options = { prefix: PREFIX, channel: `${PREFIX}revocations` };
    const a = await CachedRevocationStore.fromClusterNodes(cluster.nodes, options);
    const b = await CachedRevocationStore.fromClusterNodes(cluster.nodes, options);
    try {
      const before = { jti: randomUUID(), subject };
      const after = { jti: randomUUID(), subject };
      expect(await eventually(async () => a.stats.trusted && b.stats.trusted, 10_000)).toBe(true);
      // B has both tokens cached as not revoked: asked again, it answers without Redis.
      for (const query of [before, after]) expect((await b.lookup(query)).token).toBeUndefined();
      const trips = b.stats.roundTrips;
      expect((await b.lookup(before)).token).toBeUndefined();
      expect(b.stats.roundTrips).toBe(trips);

      await a.markToken(before.jti, 'revoked', 300, subject);
      // The revoking instance refuses at once; B once the message arrives (or its channel lags).
      expect((await a.lookup(before)).token).toBe('revoked');
      expect(await eventually(async () => (await b.lookup(before)).token === 'revoked', 10_000, 1)).toBe(true);

      // During and after the failover B answers `before` as revoked or fails (closed), never open.
      let failingOver = true;
      const answers = { revoked: 0, failed: 0, open: 0 };
      const loop = (async () => {
        while (failingOver) {
          const state = await Promise.resolve(b.lookup(before)).catch(() => undefined);
          if (state === undefined) answers.failed++;
          else if (state.token === 'revoked') answers.revoked++;
          else answers.open++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await failOver(primary, replica, slot);
      // A revocation after the failover, once the store answers again (it fails closed meanwhile).
      const revoked = async (): Promise<boolean> =>
        a.markToken(after.jti, 'revoked', 300, subject).then(
          () => true,
          () => false,
        );
      expect(await eventually(revoked, 60_000, 100)).toBe(true);
      const refusedByB = async (): Promise<boolean> =>
        (await Promise.resolve(b.lookup(after)).catch(() => undefined))?.token === 'revoked';
      expect(await eventually(refusedByB, 60_000, 5)).toBe(true);
      failingOver = false;
      await loop;

      expect(answers.open).toBe(0);
      expect(answers.revoked).toBeGreaterThan(0);
      expect((await b.lookup(before)).token).toBe('revoked');
    } finally {
      await a.close();
      await b.close();
    }
  }, 180_000);
});
