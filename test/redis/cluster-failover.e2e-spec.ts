import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RedisRevocationStore } from '../../lib/redis/index.js';
import { clusterSlot } from '../../lib/redis/redis-key-layout.js';
import type { RevocationState } from '../../lib/index.js';
import { ask, type ClusterNode, RedisClusterProcesses } from '../support/redis-cluster.js';
import { eventually } from '../support/redis-server.js';

/**
 * A revocation survives a failover: right after it resolves, the primary that holds it is
 * killed (SIGKILL, as in a crash) and its replica takes over (CLUSTER FAILOVER TAKEOVER); the
 * revoked token stays refused. The cluster is this file's own (six redis-server processes).
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

describe.each(['ioredis', 'redis'] as const)('a revocation and a primary failover (%s)', (clientLibrary) => {
  it('keeps the revoked token, its subject and its chain refused after the replica takes over', async () => {
    // A primary that still has its replica (the other kind's test may have failed one over).
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
    const replica = replicas[0];

    const store = await RedisRevocationStore.fromClusterNodes(cluster.nodes, { prefix: PREFIX, clientLibrary });
    try {
      const jti = randomUUID();
      await store.markToken(jti, 'revoked', 300, subject);
      await store.revokeFamily('chain', 300, subject);
      await store.revokeSubject(subject, 1_700_000_000, 300);
      // At once: the primary dies, its replica is made the primary without it.
      await cluster.server(primary.port).kill();
      await ask(replica.port, ['CLUSTER', 'FAILOVER', 'TAKEOVER']);
      const promoted = async (): Promise<boolean> =>
        (await cluster.owners(slot, replica.port).catch(() => undefined))?.primary.port === replica.port;
      expect(await eventually(promoted, 60_000, 100)).toBe(true);

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
