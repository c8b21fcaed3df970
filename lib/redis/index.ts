// nest-rest-jwt/redis: revocations shared by several instances of an app, in Redis (one server or
// a Cluster). ioredis and redis (node-redis), optional peers, are loaded only when a store makes
// its own client; the main entry loads nothing here.
export {
  RedisRevocationStore,
  type RedisClientStoreOptions,
  type RedisClusterStoreOptions,
  type RedisRevocationStoreOptions,
  type RedisUrlStoreOptions,
} from './redis-revocation-store.js';
export { RevocationStoreTimeoutError, type RedisClientLibrary } from './redis-clients.js';
export {
  type NodeRedisClusterCommandClient,
  type NodeRedisCommandClient,
  type RedisCommandClient,
  type RedisStoreClient,
} from './redis-connection.js';
export { RevocationNotReplicatedError } from './replica-wait.js';
export {
  CachedRevocationStore,
  type CachedRevocationStoreOptions,
  type RevocationCacheOptions,
  type RevocationCacheStats,
} from './cached-revocation-store.js';
export {
  ioredisSubscriber,
  type InvalidationSubscriber,
  type IoredisPubSubClient,
  type SubscriberEvents,
} from './invalidation-subscriber.js';
export { nodeRedisSubscriber, type NodeRedisPubSubClient } from './node-redis-subscriber.js';
export { clusterNodesSubscriber, urlSubscriber } from './owned-subscriber.js';
export { RedisThrottlerStorage, type RedisThrottlerStorageOptions } from './redis-throttler-storage.js';
