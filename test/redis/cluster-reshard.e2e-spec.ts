import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisRevocationStore } from '../../lib/redis/index.js';
import { clusterSlot } from '../../lib/redis/redis-key-layout.js';
import { hostPort, RedisClusterProcesses } from '../support/redis-cluster.js';

/**
 * During a slot migration (redis-cli --cluster reshard, one key per MIGRATE) lookups of a
 * revoked token run in a loop, on both client kinds: each answers "revoked" or fails (closed),
 * never "not revoked". The cluster is this file's own.
 */
const PREFIX = `nest-rest-jwt-test:${randomUUID()}:`;
/** Keys that fill the migrating slot, so that the migration lasts while the lookups run. */
const FILLER_KEYS = 3000;
let cluster: RedisClusterProcesses;

beforeAll(async () => {
  cluster = await RedisClusterProcesses.start();
}, 120_000);

afterAll(async () => {
  await cluster?.remove();
});

/** A subject whose slot is among the first few of the primary owning slot 0. */
function subjectInFirstSlots(): { subject: string; slot: number } {
  for (let i = 0; ; i++) {
    const subject = `user-${i}`;
    const slot = clusterSlot(`${PREFIX}{${subject}}`);
    if (slot < 8) return { subject, slot };
  }
}

describe('lookups during a reshard of the slot that holds them', () => {
  it('never answer "not revoked" for a revoked token (ioredis and node-redis)', async () => {
    const { subject, slot } = subjectInFirstSlots();
    const port = await cluster.livePort();
    const { primary } = await cluster.owners(slot, port);
    const target = (await cluster.topology(port)).find((node) => node.primary && node.id !== primary.id)!;
    const stores = await Promise.all(
      (['ioredis', 'redis'] as const).map((clientLibrary) =>
        RedisRevocationStore.fromClusterNodes(cluster.nodes, { prefix: PREFIX, clientLibrary }),
      ),
    );
    const filler = new Cluster(cluster.nodes.map(hostPort));
    try {
      const jti = randomUUID();
      await stores[0].markToken(jti, 'revoked', 600, subject);
      await stores[0].revokeFamily('chain', 600, subject);
      await stores[1].revokeSubject(subject, 1_700_000_000, 600);
      // Other tokens of the same subject: the migration moves them one by one.
      for (let from = 0; from < FILLER_KEYS; from += 500) {
        const pipeline = filler.pipeline();
        for (let i = from; i < from + 500; i++)
          pipeline.set(`${PREFIX}{${subject}}:t:other-${i}`, 'revoked', 'EX', 600);
        await pipeline.exec();
      }

      const outcomes = { revoked: 0, failed: 0, open: 0, duringMigration: 0 };
      let migrating = true;
      const migration = cluster.reshard(primary.id, target.id, slot + 1).finally(() => (migrating = false));
      const lookups = stores.map(async (store) => {
        while (migrating) {
          const state = await store.lookup({ jti, subject, family: 'chain' }).catch(() => undefined);
          if (state === undefined) outcomes.failed++;
          else if (state.token === 'revoked' && state.familyRevoked && state.subjectRevokedAt === 1_700_000_000) {
            outcomes.revoked++;
          } else outcomes.open++;
          if (migrating) outcomes.duringMigration++;
        }
      });
      await Promise.all([migration, ...lookups]);

      expect(outcomes.open).toBe(0);
      // The loop did run while keys moved.
      expect(outcomes.duringMigration).toBeGreaterThan(0);
      expect(outcomes.revoked).toBeGreaterThan(0);
      // The slot has moved, and every lookup then answers revoked.
      expect((await cluster.owners(slot, port)).primary.id).toBe(target.id);
      for (const store of stores) {
        expect(await store.lookup({ jti, subject, family: 'chain' })).toEqual({
          token: 'revoked',
          subjectRevokedAt: 1_700_000_000,
          familyRevoked: true,
        });
      }
    } finally {
      filler.disconnect();
      await Promise.all(stores.map((store) => store.close()));
    }
  }, 300_000);
});
