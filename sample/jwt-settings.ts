import { randomBytes } from 'node:crypto';
import type { ErrorFormat, JwtAlgorithm, JwtAuthModuleOptions } from '../lib/index.js';
import { type EnvReader, readBoolean, readChoice, readString, SampleConfigError } from './env.js';

/** The sample signs with a secret only; RS/PS/ES algorithms would need JWT_PRIVATE_KEY. */
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const satisfies readonly JwtAlgorithm[];
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
 * a duration) say otherwise.
 */
export function jwtSettingsFromEnv(
  env: EnvReader,
  makeSecret: () => Buffer = () => randomBytes(GENERATED_SECRET_BYTES),
): SampleJwtSettings {
  const secretKey = readString(env, 'JWT_SECRET_KEY');
  const options: JwtAuthModuleOptions = {
    secretKey: secretKey ?? makeSecret(),
    algorithm: readChoice(env, 'JWT_ALGORITHM', HMAC_ALGORITHMS, 'HS256'),
    expirationDelta: readString(env, 'JWT_EXPIRATION_DELTA'),
    allowRefresh: readBoolean(env, 'JWT_ALLOW_REFRESH', true),
    refreshExpirationDelta: readString(env, 'JWT_REFRESH_EXPIRATION_DELTA'),
    authHeaderPrefix: readString(env, 'JWT_AUTH_HEADER_PREFIX'),
    leeway: readString(env, 'JWT_LEEWAY'),
    audience: readString(env, 'JWT_AUDIENCE'),
    issuer: readString(env, 'JWT_ISSUER'),
    verifyExpiration: readBoolean(env, 'JWT_VERIFY_EXPIRATION', true),
    errorFormat: readChoice(env, 'JWT_ERROR_FORMAT', ERROR_FORMATS, 'nest'),
    loginThrottle: {
      limit: readAttempts(env, 'LOGIN_THROTTLE_LIMIT'),
      ttl: readString(env, 'LOGIN_THROTTLE_TTL'),
    },
  };
  return { options, generatedSecret: secretKey === undefined };
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
