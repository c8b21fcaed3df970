// nest-rest-jwt/redis: revocations shared by several instances of an app, in Redis. ioredis (an
// optional peer) is loaded only when a store is made from a URL; the main entry loads nothing here.
export {
  RedisRevocationStore,
  RevocationStoreTimeoutError,
  type RedisClientStoreOptions,
  type RedisCommandClient,
  type RedisRevocationStoreOptions,
  type RedisUrlStoreOptions,
} from './redis-revocation-store.js';
export {
  CachedRevocationStore,
  type CachedRevocationStoreOptions,
  type RevocationCacheOptions,
  type RevocationCacheStats,
} from './cached-revocation-store.js';
export {
  ioredisSubscriber,
  urlSubscriber,
  type InvalidationSubscriber,
  type SubscriberEvents,
} from './invalidation-subscriber.js';
export { RedisThrottlerStorage, type RedisThrottlerStorageOptions } from './redis-throttler-storage.js';
