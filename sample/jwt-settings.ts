import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ErrorFormat, type JwtAuthModuleOptions, SUPPORTED_ALGORITHMS } from '../lib/index.js';
import {
  CachedRevocationStore,
  clusterNodesSubscriber,
  RedisRevocationStore,
  RedisThrottlerStorage,
  urlSubscriber,
} from '../lib/redis/index.js';
import { simpleJwtFromEnv } from './simplejwt-settings.js';
import { type EnvReader, readBoolean, readChoice, readDuration, readString, SampleConfigError } from './env.js';

/** HS* sign with JWT_SECRET_KEY; the others (RS*, PS*, ES*, and EdDSA where the library has it) with JWT_PRIVATE_KEY. */
const isHmac = (algorithm: string): boolean => algorithm.startsWith('HS');
const ERROR_FORMATS = ['nest', 'drf'] as const satisfies readonly ErrorFormat[];

/** Long enough for every HMAC algorithm (HS512 needs 64 bytes). */
const GENERATED_SECRET_BYTES = 64;

export interface SampleJwtSettings {
  options: JwtAuthModuleOptions;
  /** True when JWT_SECRET_KEY was not set and a random secret was made for this run. */
  generatedSecret: boolean;
}

/**
 * The module's options from environment variables named after djangorestframework-jwt's
 * settings. Durations pass through as text ('300', '5m', '7d'): the library parses and checks
 * them. An unset or empty variable leaves the option undefined, so the library's default
 * applies, except JWT_ALLOW_REFRESH: on here, so that /api-token-refresh/ works out of the box.
 * Login attempts are limited as the library does by default (10 a minute per username, 100 per
 * client address) unless LOGIN_THROTTLE_LIMIT (attempts) and LOGIN_THROTTLE_TTL (the window,
 * a duration) say otherwise; with REDIS_URL they are counted in Redis, for every instance at once.
 */
export function jwtSettingsFromEnv(
  env: EnvReader,
  makeSecret: () => Buffer = () => randomBytes(GENERATED_SECRET_BYTES),
): SampleJwtSettings {
  const algorithm = readChoice(env, 'JWT_ALGORITHM', SUPPORTED_ALGORITHMS, 'HS256');
  const secretKey = readString(env, 'JWT_SECRET_KEY');
  const keys = isHmac(algorithm) ? hmacKey(env, algorithm, secretKey, makeSecret) : keyPair(env, algorithm, secretKey);
  const options: JwtAuthModuleOptions = {
    ...keys,
    algorithm,
    expirationDelta: readDuration(env, 'JWT_EXPIRATION_DELTA'),
    allowRefresh: readBoolean(env, 'JWT_ALLOW_REFRESH', true),
    refreshExpirationDelta: readDuration(env, 'JWT_REFRESH_EXPIRATION_DELTA'),
    authHeaderPrefix: readString(env, 'JWT_AUTH_HEADER_PREFIX'),
    leeway: readDuration(env, 'JWT_LEEWAY'),
    audience: readString(env, 'JWT_AUDIENCE'),
    issuer: readString(env, 'JWT_ISSUER'),
    verifyExpiration: readBoolean(env, 'JWT_VERIFY_EXPIRATION', true),
    errorFormat: readChoice(env, 'JWT_ERROR_FORMAT', ERROR_FORMATS, 'nest'),
    loginThrottle: {
      limit: readAttempts(env, 'LOGIN_THROTTLE_LIMIT'),
      ttl: readDuration(env, 'LOGIN_THROTTLE_TTL'),
    },
    authCookie: authCookie(env),
    rotateOnRefresh: readBoolean(env, 'JWT_ROTATE_ON_REFRESH', false),
    rotationGracePeriod: readDuration(env, 'JWT_ROTATION_GRACE_PERIOD'),
    usernameField: usernameField(env),
    revocationUnavailableStatus: readUnavailableStatus(env),
    simpleJwt: simpleJwtFromEnv(env),
  };
  // Last: nothing after it can throw and leave its connection open.
  const redis = redisStores(env);
  if (redis !== undefined) {
    options.revocationStore = redis.revocations;
    options.loginThrottle = { ...(options.loginThrottle as object), storage: redis.throttle };
  }
  return { options, generatedSecret: isHmac(algorithm) && secretKey === undefined };
}

/** JWT_AUTH_COOKIE (the cookie's name) turns cookie mode on; JWT_AUTH_COOKIE_SECURE=false allows plain http hosts. */
function authCookie(env: EnvReader): JwtAuthModuleOptions['authCookie'] {
  const name = readString(env, 'JWT_AUTH_COOKIE');
  if (name === undefined) return undefined;
  return { name, secure: readBoolean(env, 'JWT_AUTH_COOKIE_SECURE', true) };
}

/**
 * REDIS_URL (redis:// or rediss://): revocations are kept in Redis, shared by every instance of
 * the app; REDIS_CLUSTER_NODES (seed nodes, `host:port,host:port,...`): the same in a Redis
 * Cluster. Either way the login throttle's counts are kept there too (over the same connection);
 * unset, each process keeps its own in memory. REDIS_CLIENT_LIBRARY (`ioredis` or `redis`) picks
 * the client package (default: ioredis when installed). JWT_REVOCATION_CACHE=true adds the local
 * cache of "not revoked" answers (a second connection listens for revocations). The module closes
 * the store at shutdown.
 */
function redisStores(
  env: EnvReader,
): { revocations: NonNullable<JwtAuthModuleOptions['revocationStore']>; throttle: RedisThrottlerStorage } | undefined {
  const url = readString(env, 'REDIS_URL')?.trim();
  const nodes = readString(env, 'REDIS_CLUSTER_NODES')?.trim();
  if (url === undefined && nodes === undefined) return undefined;
  if (url !== undefined && nodes !== undefined) {
    throw new SampleConfigError('set REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both');
  }
  const library = readString(env, 'REDIS_CLIENT_LIBRARY');
  const clientLibrary =
    library === undefined
      ? undefined
      : readChoice(env, 'REDIS_CLIENT_LIBRARY', ['ioredis', 'redis'] as const, 'ioredis');
  const cached = readBoolean(env, 'JWT_REVOCATION_CACHE', false);
  if (nodes !== undefined) {
    const seeds = nodes.split(',').map((node) => node.trim());
    if (seeds.some((node) => !/^(rediss?:\/\/)?[^/:]+:\d+$/i.test(node))) {
      throw new SampleConfigError('REDIS_CLUSTER_NODES must be host:port seed nodes, separated by commas');
    }
    const store = new RedisRevocationStore({ clientLibrary, clusterNodes: seeds });
    const throttle = new RedisThrottlerStorage({ client: store });
    if (!cached) return { revocations: store, throttle };
    const subscriber = clusterNodesSubscriber(seeds, {}, clientLibrary);
    return { revocations: new CachedRevocationStore({ store, subscriber }), throttle };
  }
  // Not echoed: the URL may carry a password.
  if (!/^rediss?:\/\/[^/]/i.test(url!)) throw new SampleConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  // The connections are named (ioredis: connectionName, node-redis: name): the tests count them.
  const clientOptions =
    clientLibrary === 'redis' ? { name: 'nest-rest-jwt-sample' } : { connectionName: 'nest-rest-jwt-sample' };
  const store = new RedisRevocationStore({ clientLibrary, clientOptions, url: url! });
  const throttle = new RedisThrottlerStorage({ client: store });
  if (!cached) return { revocations: store, throttle };
  const channelName = 'nest-rest-jwt-revocation-channel';
  const subscriber = urlSubscriber(
    url!,
    clientLibrary === 'redis' ? { name: channelName } : { connectionName: channelName },
    clientLibrary,
  );
  return { revocations: new CachedRevocationStore({ store, subscriber }), throttle };
}

/** JWT_REVOCATION_UNAVAILABLE_STATUS: 503 (default) or 401, the answer while the store cannot be reached. */
function readUnavailableStatus(env: EnvReader): 401 | 503 | undefined {
  const value = readString(env, 'JWT_REVOCATION_UNAVAILABLE_STATUS');
  if (value === undefined) return undefined;
  return readChoice(env, 'JWT_REVOCATION_UNAVAILABLE_STATUS', ['401', '503'] as const, '503') === '401' ? 401 : 503;
}

type KeyOptions = Pick<JwtAuthModuleOptions, 'secretKey' | 'privateKey' | 'publicKey'>;

/** JWT_SECRET_KEY, or a random secret; JWT_PRIVATE_KEY/JWT_PUBLIC_KEY are refused with an HS algorithm. */
function hmacKey(
  env: EnvReader,
  algorithm: string,
  secretKey: string | undefined,
  makeSecret: () => Buffer,
): KeyOptions {
  for (const name of ['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY']) {
    if (readString(env, name) !== undefined) {
      throw new SampleConfigError(
        `${name} is set, but JWT_ALGORITHM=${algorithm} signs with JWT_SECRET_KEY: use a key-pair algorithm (RS*, PS*, ES*, EdDSA), or unset ${name}`,
      );
    }
  }
  return { secretKey: secretKey ?? makeSecret() };
}

/** JWT_PRIVATE_KEY (required) and JWT_PUBLIC_KEY (derived by the library when unset) for key-pair algorithms. */
function keyPair(env: EnvReader, algorithm: string, secretKey: string | undefined): KeyOptions {
  if (secretKey !== undefined) {
    throw new SampleConfigError(
      `JWT_SECRET_KEY is set, but JWT_ALGORITHM=${algorithm} signs with JWT_PRIVATE_KEY: unset JWT_SECRET_KEY or use an HS algorithm`,
    );
  }
  const privateKey = readPem(env, 'JWT_PRIVATE_KEY');
  if (privateKey === undefined) {
    throw new SampleConfigError(
      `JWT_PRIVATE_KEY is required for JWT_ALGORITHM=${algorithm}: PEM text or the path of a PEM file (npm run keys -- ${algorithm} makes one)`,
    );
  }
  const publicKey = readPem(env, 'JWT_PUBLIC_KEY');
  return publicKey === undefined ? { privateKey } : { privateKey, publicKey };
}

/**
 * PEM text as given (literal "\n" sequences, as environment variables often carry them, become
 * newlines), or the contents of the PEM file the value names (relative to the current directory).
 * The library checks the key itself at start-up.
 */
function readPem(env: EnvReader, name: string): string | undefined {
  const value = readString(env, name);
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN')) return value.replace(/\\r\\n|\\n/g, '\n');
  const path = resolve(value.trim());
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new SampleConfigError(`${name} must be PEM text or the path of a PEM file, but there is no file ${path}`);
  }
  const text = readFileSync(path, 'utf8');
  if (!text.includes('-----BEGIN')) {
    throw new SampleConfigError(`${name} names ${path}, which holds no PEM key (no "-----BEGIN" line)`);
  }
  return text;
}

/** A whole number of attempts (at least 1), or undefined when unset; anything else names the variable. */
function readAttempts(env: EnvReader, name: string): number | undefined {
  const value = readString(env, name);
  if (value === undefined) return undefined;
  if (!/^\s*[1-9][0-9]{0,8}\s*$/.test(value)) {
    throw new SampleConfigError(`${name} must be a whole number of attempts, at least 1, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** JWT_USERNAME_FIELD: `email` logs users in by their email (Django's USERNAME_FIELD); unset: username. */
function usernameField(env: EnvReader): 'username' | 'email' | undefined {
  if (readString(env, 'JWT_USERNAME_FIELD') === undefined) return undefined;
  return readChoice(env, 'JWT_USERNAME_FIELD', ['username', 'email'] as const, 'username');
}
