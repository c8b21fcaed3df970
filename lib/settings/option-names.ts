import { JwtAuthConfigError } from '../common/errors.js';
import {
  type CarriedOverName,
  checkOptionNames,
  type NameRule,
  nearestName,
  unknownOption,
} from '../common/option-names.js';
import { flag } from '../common/option-validators.js';
import { compileExclusions } from '../common/route-exclusions.js';
import { simpleJwtPathsOf, tokenProtocolOf } from './simplejwt-settings.js';
import type { AuthCookieOptions, CsrfOptions } from '../cookies/cookie-settings.js';
import type { JwtAuthHooks } from '../events/jwt-auth-hooks.js';
import type { KeyOptions } from '../keys/key-ring.js';
import type { PermissionOptions } from '../common/permission.js';
import type { LoginThrottleOptions } from '../throttle/login-throttle-settings.js';
import type { JwtAuthModuleExtras, JwtAuthModuleOptions } from './jwt-auth-options.interface.js';
import type { RpcCredentialsOptions } from './transport-settings.js';
import type { SimpleJwtOptions } from './simplejwt-options.js';

/**
 * Every option's name, in one table beside DEFAULTS: an option missing here, or a name here
 * that the options interface lacks, does not compile (`satisfies` a record of exactly its
 * keys). Nested options objects have tables of their own, checked the same way. At start-up
 * any other name stops the app (a typo would otherwise be ignored, the default kept).
 */
const LOGIN_THROTTLE_NAMES = {
  limit: 'value',
  ttl: 'value',
  perAddressLimit: 'value',
  // A ThrottlerStorage of the app's: its fields are its own.
  storage: 'value',
} as const satisfies Record<keyof LoginThrottleOptions, NameRule>;

const AUTH_COOKIE_NAMES = {
  name: 'value',
  secure: 'value',
  sameSite: 'value',
  path: 'value',
  domain: 'value',
  maxAge: 'value',
} as const satisfies Record<keyof AuthCookieOptions, NameRule>;

const RPC_NAMES = { payloadField: 'value', metadataKey: 'value' } as const satisfies Record<
  keyof RpcCredentialsOptions,
  NameRule
>;

const CSRF_NAMES = {
  cookieName: 'value',
  headerName: 'value',
  trustedOrigins: 'value',
} as const satisfies Record<keyof CsrfOptions, NameRule>;

/** One entry of `verifyKeys`; its `key` (a KeyObject, a JWK, PEM text...) is a value, never checked. */
const VERIFY_KEY_NAMES = { kid: 'value', key: 'value', algorithm: 'value' } as const satisfies Record<
  keyof NonNullable<KeyOptions['verifyKeys']>[number],
  NameRule
>;

const HOOK_NAMES = {
  onLoginSucceeded: 'value',
  onLoginFailed: 'value',
  onTokenRefreshed: 'value',
  onTokenRevoked: 'value',
  onTokenReuseDetected: 'value',
  onRequestRefused: 'value',
  checkLogin: 'value',
} as const satisfies Record<keyof JwtAuthHooks, NameRule>;

const PERMISSIONS_NAMES = {
  defaultPermissionClasses: 'value',
  rolesClaim: 'value',
  scopesClaim: 'value',
} as const satisfies Record<keyof PermissionOptions, NameRule>;

/** simplejwt's settings (simplejwt-options.ts): SIMPLE_JWT's names, camelCase. */
const SIMPLE_JWT_NAMES = {
  accessTokenLifetime: 'value',
  refreshTokenLifetime: 'value',
  rotateRefreshTokens: 'value',
  blacklistAfterRotation: 'value',
  updateLastLogin: 'value',
  authHeaderTypes: 'value',
  userIdField: 'value',
  userIdClaim: 'value',
  tokenTypeClaim: 'value',
  jtiClaim: 'value',
  checkUserIsActive: 'value',
  checkRevokeToken: 'value',
  revokeTokenClaim: 'value',
  slidingTokenRefreshExpClaim: 'value',
  slidingTokenLifetime: 'value',
  slidingTokenRefreshLifetime: 'value',
  slidingTokens: 'value',
  authTokenClasses: 'value',
  audience: 'value',
  issuer: 'value',
  leeway: 'value',
  refreshCookie: 'value',
} as const satisfies Record<keyof SimpleJwtOptions, NameRule>;

export const OPTION_NAMES = {
  // Keys are values (strings, Buffers, JWKs, KeyObjects), never options objects.
  secretKey: 'value',
  privateKey: 'value',
  publicKey: 'value',
  keyId: 'value',
  verifyKeys: { each: VERIFY_KEY_NAMES },
  verifyOnly: 'value',
  jwksUrl: 'value',
  jwksCooldown: 'value',
  algorithm: 'value',
  verifyExpiration: 'value',
  requireExpiration: 'value',
  leeway: 'value',
  expirationDelta: 'value',
  audience: 'value',
  issuer: 'value',
  allowRefresh: 'value',
  refreshExpirationDelta: 'value',
  authHeaderPrefix: 'value',
  includeIssuedAt: 'value',
  includeTokenId: 'value',
  errorFormat: 'value',
  userCacheTtl: 'value',
  stateless: 'value',
  // A RevocationStore of the app's: its fields are its own.
  revocationStore: 'value',
  revocationUnavailableStatus: 'value',
  rotateOnRefresh: 'value',
  rotationGracePeriod: 'value',
  authCookie: { object: AUTH_COOKIE_NAMES },
  csrf: { object: CSRF_NAMES },
  getUserSecretKey: 'value',
  strategyName: 'value',
  loginThrottle: { object: LOGIN_THROTTLE_NAMES },
  payloadHandler: 'value',
  responsePayloadHandler: 'value',
  getUsernameFromPayload: 'value',
  // A class instance of the app's may carry its dependencies beside its hook methods.
  hooks: { object: HOOK_NAMES, plainOnly: true },
  rpc: { object: RPC_NAMES },
  connectionParamsKey: 'value',
  permissions: { object: PERMISSIONS_NAMES },
  usernameField: 'value',
  // A class: its fields are the app's.
  loginDto: 'value',
  simpleJwt: { object: SIMPLE_JWT_NAMES },
} as const satisfies Record<keyof JwtAuthModuleOptions, NameRule>;

/** What each module-shaping option holds. */
type ShapingKind = 'flag' | 'path' | 'modules' | 'exclusions' | 'protocol' | 'paths';

/**
 * The options that shape the module itself (its providers, controllers, global guard): read
 * by `forRoot`, and beside the factory by `forRootAsync`, never from the factory's result.
 */
export const MODULE_SHAPING_OPTIONS = {
  isGlobal: 'flag',
  globalGuard: 'flag',
  controller: 'flag',
  jwks: 'flag',
  routePrefix: 'path',
  imports: 'modules',
  globalGuardExclude: 'exclusions',
  tokenProtocol: 'protocol',
  simpleJwtPaths: 'paths',
} as const satisfies Record<keyof JwtAuthModuleExtras, ShapingKind>;

type ShapingName = keyof typeof MODULE_SHAPING_OPTIONS;

/**
 * The names people carry over from @nestjs/jwt, passport-jwt and jsonwebtoken, and what they
 * are called here. Checked before near names: `secret` is nearer `secretKey` by chance only.
 */
export const CARRIED_OVER_NAMES: Readonly<Record<string, CarriedOverName>> = {
  expiresIn: { from: '@nestjs/jwt', advice: 'did you mean "expirationDelta"?' },
  secret: { from: '@nestjs/jwt', advice: 'did you mean "secretKey"?' },
  secretOrKey: { from: 'passport-jwt', advice: 'did you mean "secretKey" (or "publicKey" to verify with a key pair)?' },
  secretOrPrivateKey: { from: 'jsonwebtoken', advice: 'did you mean "secretKey" (or "privateKey" for a key pair)?' },
  secretOrKeyProvider: {
    from: 'passport-jwt',
    advice: 'did you mean "getUserSecretKey" (a secret per user) or "jwksUrl" (another issuer\'s keys)?',
  },
  signOptions: {
    from: '@nestjs/jwt',
    advice: 'give its fields as options of their own: expirationDelta (expiresIn), algorithm, audience, issuer, keyId',
  },
  verifyOptions: {
    from: '@nestjs/jwt',
    advice:
      'give its fields as options of their own: algorithm (algorithms), audience, issuer, leeway (clockTolerance), verifyExpiration (ignoreExpiration)',
  },
  jsonWebTokenOptions: {
    from: 'passport-jwt',
    advice: 'give its fields as options of their own: audience, issuer, leeway (clockTolerance), algorithm',
  },
  ignoreExpiration: { from: 'passport-jwt', advice: 'did you mean "verifyExpiration: false"?' },
  algorithms: {
    from: 'passport-jwt',
    advice: 'did you mean "algorithm"? (it signs and is the only one accepted; older keys go in verifyKeys)',
  },
  clockTolerance: { from: 'jsonwebtoken', advice: 'did you mean "leeway"?' },
  jwtFromRequest: {
    from: 'passport-jwt',
    advice:
      'the token is read from the Authorization header, whose scheme is "authHeaderPrefix" (default "JWT"), or from a cookie named by "authCookie"',
  },
  global: { from: '@nestjs/jwt', advice: 'did you mean "isGlobal" (given to forRoot, or beside the factory)?' },
};

/** Where the options came from: `forRoot`'s object, or one of `forRootAsync`'s providers. */
export type OptionsSource = 'forRoot' | 'useFactory' | 'useClass' | 'useExisting';

/**
 * Checks the names of the options (the object `forRoot` was given, less the module-shaping
 * options, or what the factory returned): a module-shaping option there would be ignored, an
 * unknown name anywhere would be a typo ignored. Throws JwtAuthConfigError.
 */
export function checkNames(options: object, source: OptionsSource): void {
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(MODULE_SHAPING_OPTIONS, name)) {
      throw misplacedShapingOption(name as ShapingName, (options as Record<string, unknown>)[name], source);
    }
  }
  checkOptionNames(options, OPTION_NAMES, CARRIED_OVER_NAMES);
}

/**
 * Checks the module-shaping options: their types and, beside `forRootAsync`'s factory, that
 * nothing else is there (nothing else is read there). `given` is what Nest's module builder
 * passes on: with `forRoot` every option, with `forRootAsync` the keys beside the factory.
 */
export function checkModuleShaping(given: Readonly<Record<string, unknown>>, source: OptionsSource): void {
  if (source !== 'forRoot') {
    for (const name of Object.keys(given)) {
      if (!Object.hasOwn(MODULE_SHAPING_OPTIONS, name)) throw besideTheFactory(name, source);
    }
  }
  for (const [name, kind] of Object.entries(MODULE_SHAPING_OPTIONS)) {
    const value = given[name];
    if (value === undefined) continue;
    if (kind === 'flag') flag(value, name, false);
    if (kind === 'path' && typeof value !== 'string') {
      throw new JwtAuthConfigError(name, `must be a path such as 'auth' (got ${JSON.stringify(value)})`);
    }
    if (kind === 'modules' && !Array.isArray(value)) {
      throw new JwtAuthConfigError(name, 'must be an array of modules');
    }
    if (kind === 'exclusions') compileExclusions(value);
    if (kind === 'protocol') tokenProtocolOf(value);
    if (kind === 'paths') simpleJwtPathsOf(value);
  }
  const excluded = given.globalGuardExclude;
  if (Array.isArray(excluded) && excluded.length > 0 && given.globalGuard !== true) {
    throw new JwtAuthConfigError(
      'globalGuardExclude',
      'excludes routes from the global guard: it needs globalGuard: true',
    );
  }
}

/** The factory's result held a module-shaping option: say where it is read. */
function misplacedShapingOption(name: ShapingName, value: unknown, source: OptionsSource): JwtAuthConfigError {
  const shown = `${name}: ${shownValue(value, MODULE_SHAPING_OPTIONS[name])}`;
  if (source === 'forRoot') {
    return new JwtAuthConfigError(name, `shapes the module: JwtAuthModule.forRoot({ ${shown}, ... })`);
  }
  const where = source === 'useFactory' ? 'the factory' : `${source}, not from createJwtAuthOptions()`;
  return new JwtAuthConfigError(
    name,
    `shapes the module and is read beside ${where}: JwtAuthModule.forRootAsync({ ${shown}, ${source} })`,
  );
}

/** An option beside `forRootAsync`'s factory that is not module-shaping: never read there. */
function besideTheFactory(name: string, source: OptionsSource): JwtAuthConfigError {
  const returned = source === 'useFactory' ? 'return it from the factory' : 'return it from createJwtAuthOptions()';
  if (Object.hasOwn(OPTION_NAMES, name)) {
    const shaping = Object.keys(MODULE_SHAPING_OPTIONS).join(', ');
    return new JwtAuthConfigError(
      name,
      `is given beside the factory, where only the module-shaping options (${shaping}) are read: ${returned}`,
    );
  }
  const names = [...Object.keys(MODULE_SHAPING_OPTIONS), ...Object.keys(OPTION_NAMES)];
  const near = nearestName(name, names);
  if (near !== undefined && Object.hasOwn(OPTION_NAMES, near)) {
    return new JwtAuthConfigError(name, `is unknown: did you mean "${near}"? (${returned}, not beside it)`);
  }
  return unknownOption(name, name, names, CARRIED_OVER_NAMES);
}

function shownValue(value: unknown, kind: ShapingKind): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (kind === 'modules' || kind === 'exclusions') return '[...]';
  if (kind === 'paths') return '{ ... }';
  return kind === 'flag' ? 'true' : "'...'";
}
