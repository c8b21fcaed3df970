import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createCluster } from 'redis';
import { RedisRevocationStore } from '../../lib/redis/index.js';
import { REDIS_CLUSTER_NODES, NO_CLUSTER, sharedClusterClient, ask, hostPort } from '../support/redis-cluster.js';
import { describeRevocationStoreContract } from '../support/revocation-store-contract.js';

/**
 * RedisRevocationStore on the shared Redis Cluster (.ci/run: three primaries, a replica each),
 * with each kind of client: ioredis Cluster and node-redis createCluster given by the app, and
 * its own client from seed nodes with either package. Keys expire within a couple of minutes.
 */
const uniquePrefix = (): string => `nest-rest-jwt-test:${randomUUID()}:`;

if (REDIS_CLUSTER_NODES === undefined) {
  describe('RedisRevocationStore on a Redis Cluster', () => {
    it('needs REDIS_CLUSTER_NODES', () => {
      throw new Error(NO_CLUSTER);
    });
  });
} else {
  const nodes = REDIS_CLUSTER_NODES;
  let ioredisCluster: Cluster;
  let nodeRedisCluster: ReturnType<typeof createCluster>;
  beforeAll(async () => {
    ioredisCluster = sharedClusterClient();
    nodeRedisCluster = createCluster({ rootNodes: nodes.map((node) => ({ url: `redis://${node}` })) });
    nodeRedisCluster.on('error', () => undefined);
    await nodeRedisCluster.connect();
  });
  afterAll(async () => {
    ioredisCluster.disconnect();
    await nodeRedisCluster.close();
  });

  describeRevocationStoreContract(
    'ioredis Cluster given',
    () => new RedisRevocationStore({ client: ioredisCluster, prefix: uniquePrefix() }),
  );
  describeRevocationStoreContract(
    'node-redis createCluster given',
    () => new RedisRevocationStore({ client: nodeRedisCluster, prefix: uniquePrefix() }),
  );
  describeRevocationStoreContract('fromClusterNodes with ioredis', () =>
    RedisRevocationStore.fromClusterNodes(nodes, { prefix: uniquePrefix(), clientLibrary: 'ioredis' }),
  );
  describeRevocationStoreContract('fromClusterNodes with redis (node-redis)', () =>
    RedisRevocationStore.fromClusterNodes(nodes, { prefix: uniquePrefix(), clientLibrary: 'redis' }),
  );

  /** The WAIT commands each primary has run (INFO commandstats). */
  const waitCalls = async (): Promise<number> => {
    let total = 0;
    for (const node of nodes) {
      const stats = String(await ask(hostPort(node).port, ['INFO', 'commandstats']));
      total += Number(/^cmdstat_wait:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
    }
    return total;
  };

  describe('RedisRevocationStore on a Redis Cluster: slots and replicas', () => {
    it.each(['ioredis', 'redis'] as const)(
      'keeps a subject, its tokens and its chains in one slot, and reads them in one MGET (%s)',
      async (clientLibrary) => {
        const prefix = uniquePrefix();
        const store = await RedisRevocationStore.fromClusterNodes(nodes, { prefix, clientLibrary });
        try {
          // Subjects whose keys would, without a hash tag, be spread over every primary.
          for (const subject of ['alice', 'bob', 'carol', 'dave']) {
            await store.markToken('jti-1', 'revoked', 60, subject);
            await store.revokeFamily('family-1', 60, subject);
            await store.revokeSubject(subject, 1_700_000_000, 60);
            expect(await store.lookup({ jti: 'jti-1', subject, family: 'family-1' })).toEqual({
              token: 'revoked',
              subjectRevokedAt: 1_700_000_000,
              familyRevoked: true,
            });
            const keys = [
              `${prefix}{${subject}}:s`,
              `${prefix}{${subject}}:t:jti-1`,
              `${prefix}{${subject}}:f:family-1`,
            ];
            const slots = await Promise.all(keys.map((key) => ioredisCluster.cluster('KEYSLOT', key)));
            expect(new Set(slots).size).toBe(1);
            expect(await ioredisCluster.exists(...keys)).toBe(3);
          }
        } finally {
          await store.close();
        }
      },
    );

    it.each(['ioredis', 'redis'] as const)(
      'waits for a replica after each revocation where the primary has one (%s)',
      async (clientLibrary) => {
        const store = await RedisRevocationStore.fromClusterNodes(nodes, { prefix: uniquePrefix(), clientLibrary });
        try {
          const before = await waitCalls();
          await store.markToken('jti', 'revoked', 60, 'alice');
          await store.revokeFamily('family', 60, 'alice');
          await store.revokeSubject('alice', 1_700_000_000, 60);
          expect((await waitCalls()) - before).toBe(3);
          // Lookups wait for nothing.
          await store.lookup({ jti: 'jti', subject: 'alice' });
          expect((await waitCalls()) - before).toBe(3);
        } finally {
          await store.close();
        }
      },
    );

    it('sends no WAIT when told not to (waitForReplicas: 0)', async () => {
      const store = new RedisRevocationStore({ client: ioredisCluster, prefix: uniquePrefix(), waitForReplicas: 0 });
      const before = await waitCalls();
      await store.markToken('jti', 'revoked', 60, 'alice');
      expect(await waitCalls()).toBe(before);
    });
  });
}
