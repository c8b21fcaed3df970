import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { RedisRevocationStore } from '../../lib/redis/index.js';
import { REDIS_URL } from '../support/redis-server.js';
import { describeRevocationStoreContract } from '../support/revocation-store-contract.js';

/** node-redis 5 on one server (REDIS_URL), as a client the app gives and as the store's own. */
const uniquePrefix = (): string => `nest-rest-jwt-test:${randomUUID()}:`;

if (REDIS_URL === undefined) {
  describe('RedisRevocationStore with node-redis', () => {
    it('needs REDIS_URL', () => {
      throw new Error(
        'REDIS_URL is not set: .ci/run starts a redis-server and sets it (REDIS_URL=redis://127.0.0.1:6379)',
      );
    });
  });
} else {
  const url = REDIS_URL;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    client = createClient({ url });
    client.on('error', () => undefined);
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
  });

  describeRevocationStoreContract(
    'node-redis createClient given',
    () => new RedisRevocationStore({ client, prefix: uniquePrefix() }),
  );
  describeRevocationStoreContract("fromUrl with clientLibrary 'redis'", () =>
    RedisRevocationStore.fromUrl(url, { prefix: uniquePrefix(), clientLibrary: 'redis' }),
  );
}
