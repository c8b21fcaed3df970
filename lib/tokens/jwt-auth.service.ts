import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JWT_AUTH_SETTINGS } from '../constants.js';
import type { JwtPayload } from '../settings/jwt-auth-options.interface.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenRevocation } from '../revocation/token-revocation.js';
import { TokenUser } from '../users/token-user.js';
import { UserCache } from '../users/user-cache.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { signEdDsa, signHmac } from './jws-signer.js';
import { nowSeconds } from './clock.js';
import { TokenRejectedError } from './token-error.js';
import { isFiniteNumber, TokenVerifier } from './token-verifier.js';

/** As for `secretKey` with HS256: shorter per-user secrets are refused when used. */
const MIN_USER_SECRET_BYTES = 32;

/** Internal token for the module's own @nestjs/jwt JwtService (the app may have its own). */
export const JWT_AUTH_JWT_SERVICE = Symbol('nest-rest-jwt:jwt-service');

export interface IssuedToken<TUser extends object = object> {
  token: string;
  user: TUser;
}

/**
 * Issue, verify and refresh tokens from code (websockets, tests, CLIs): the same rules the
 * endpoints apply, which call it too. Refusals are TokenRejectedError with the endpoint text.
 */
@Injectable()
export class JwtAuthService<TUser extends object = object> {
  private readonly userCache?: UserCache<TUser>;
  private readonly verifiesAtOnce: boolean;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    @Inject(JWT_AUTH_JWT_SERVICE) private readonly jwt: JwtService,
    private readonly verifier: TokenVerifier,
    private readonly users: UserLookupService<TUser>,
    private readonly revocation: TokenRevocation,
  ) {
    if (settings.userCacheTtl > 0) this.userCache = new UserCache(settings.userCacheTtl);
    this.verifiesAtOnce = settings.remoteJwks === undefined && settings.getUserSecretKey === undefined;
  }

  /** The user for these credentials, or null: unknown, wrong password and inactive alike. */
  async authenticate(username: string, password: string): Promise<TUser | null> {
    const user = await this.users.findByUsername(username);
    if (!user) {
      // An unknown username costs one password check too, so its answer comes no sooner.
      await this.users.verifyDummyPassword(password);
      return null;
    }
    // The password is checked even for inactive users, so both paths cost the same.
    const passwordMatches = await this.users.verifyPassword(user, password);
    return passwordMatches && this.users.isActive(user) ? user : null;
  }

  /** The default claims for a user (upstream's `jwt_payload_handler`). */
  defaultPayload(user: TUser, now = nowSeconds()): JwtPayload {
    const { settings, users } = this;
    const payload: JwtPayload = {
      user_id: users.getUserId(user),
      username: users.getUsername(user),
      exp: now + settings.expirationDelta,
    };
    const email = users.getEmail(user);
    if (email !== undefined && email !== null) payload.email = email;
    if (settings.allowRefresh) payload.orig_iat = now;
    if (settings.audience !== undefined) payload.aud = settings.audience;
    if (settings.issuer !== undefined) payload.iss = settings.issuer;
    if (settings.includeIssuedAt) payload.iat = now;
    if (settings.includeTokenId) payload.jti = randomUUID();
    // Under rotation every token of a login carries the login's jti: its refresh chain.
    if (settings.rotateOnRefresh) payload.orig_jti = payload.jti;
    return payload;
  }

  /** The claims for a user, through the configured payload handler. */
  createPayload(user: TUser): JwtPayload {
    const defaults = this.defaultPayload(user);
    return this.settings.payloadHandler ? this.settings.payloadHandler(user, defaults) : defaults;
  }

  /** Signs claims; with `getUserSecretKey`, with the key of `user` (required then). */
  sign(payload: JwtPayload, user?: TUser): string {
    const { algorithm, signingKey, keyId, getUserSecretKey } = this.settings;
    if (signingKey === undefined) throw new Error('nest-rest-jwt: verifyOnly is set: this app signs no tokens');
    if (algorithm === 'EdDSA') return signEdDsa(payload, signingKey, keyId);
    // jsonwebtoken deletes `iat` under noTimestamp, and invents one without it: the payload decides.
    const noTimestamp = payload.iat === undefined;
    const options = keyId === undefined ? { noTimestamp } : { noTimestamp, keyid: keyId };
    if (getUserSecretKey === undefined) return this.jwt.sign(payload, options);
    if (user === undefined)
      throw new Error('nest-rest-jwt: getUserSecretKey is set: sign(payload, user) needs the user');
    return signHmac(payload, algorithm as 'HS256' | 'HS384' | 'HS512', this.userSecret(user), keyId);
  }

  /** A new token for a user who is already authenticated. */
  issueToken(user: TUser): string {
    return this.sign(this.createPayload(user), user);
  }

  /**
   * Signature and claims only: no revocation check, no user lookup. The payload is frozen: it
   * may be shared. Not available with `getUserSecretKey` (the key needs a lookup: use verifyPayload).
   */
  decode(token: string): Readonly<JwtPayload> {
    if (this.settings.getUserSecretKey !== undefined) {
      throw new Error('nest-rest-jwt: getUserSecretKey is set: use the asynchronous verifyPayload');
    }
    return this.verifier.verify(token);
  }

  /** As decode, and it fetches the key a token names (`jwksUrl`) or the user's key (`getUserSecretKey`). */
  async verifyPayload(token: string): Promise<Readonly<JwtPayload>> {
    return (await this.verified(token)).payload;
  }

  /**
   * Verifies a token. With `getUserSecretKey`, the user its payload names is looked up first, for
   * the key, and returned; an unknown user is a bad signature (no key), so nothing is revealed.
   */
  private async verified(token: string): Promise<{ payload: Readonly<JwtPayload>; user?: TUser }> {
    if (this.settings.getUserSecretKey === undefined) return { payload: await this.verifier.verifyAsync(token) };
    let user: TUser | undefined;
    const payload = await this.verifier.verifyWithKeyOf(token, async (claims) => {
      user = (await this.users.findByUsername(this.usernameIn(claims))) ?? undefined;
      if (user === undefined) throw new TokenRejectedError('decode');
      return this.userSecret(user);
    });
    return { payload, user };
  }

  private userSecret(user: TUser): KeyObject {
    const secret = this.settings.getUserSecretKey?.(user);
    const key =
      secret instanceof KeyObject
        ? secret
        : createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : (secret ?? Buffer.alloc(0)));
    if (key.type !== 'secret' || (key.symmetricKeySize ?? 0) < MIN_USER_SECRET_BYTES) {
      throw new Error(
        `nest-rest-jwt: getUserSecretKey returned a key shorter than ${MIN_USER_SECRET_BYTES} bytes (or not a secret key)`,
      );
    }
    return key;
  }

  /**
   * What JwtAuthGuard does with a token: verify it, then the user it names, through the user
   * cache (`userCacheTtl`) or, with `stateless`, a TokenUser built from the claims alone.
   */
  async authenticateToken(token: string): Promise<TUser | TokenUser> {
    // Without a JWKS or per-user keys, verifying needs no wait: no tick spent on it.
    const { payload, user: keyOwner } = this.verifiesAtOnce
      ? { payload: this.verifier.verify(token), user: undefined }
      : await this.verified(token);
    const username = this.usernameIn(payload);
    // Never skipped, not even for a token the verifier had cached or a stateless user.
    const revocation = this.revocation.check(payload, username);
    if (revocation !== undefined) await revocation;
    if (keyOwner !== undefined) return this.activeUser(keyOwner);
    if (this.settings.stateless) return new TokenUser(username, payload);
    const cached = this.userCache?.get(username);
    if (cached !== undefined) return cached;
    const user = await this.userFromPayload(payload);
    this.userCache?.set(username, user);
    return user;
  }

  /** The active user a verified payload names (upstream's `_check_user`). */
  async userFromPayload(payload: JwtPayload): Promise<TUser> {
    const user = await this.users.findByUsername(this.usernameIn(payload));
    if (!user) throw new TokenRejectedError('user_not_found');
    return this.activeUser(user);
  }

  private activeUser(user: TUser): TUser {
    if (!this.users.isActive(user)) throw new TokenRejectedError('user_inactive');
    return user;
  }

  private usernameIn(payload: JwtPayload): string {
    const username = this.settings.getUsernameFromPayload(payload);
    if (typeof username !== 'string' || username === '') throw new TokenRejectedError('payload');
    return username;
  }

  /** What `/api-token-verify/` checks: the token, its revocation and its user. Returns the same token. */
  async verifyToken(token: string): Promise<IssuedToken<TUser> & { payload: JwtPayload }> {
    const { payload, user: keyOwner } = await this.verified(token);
    await this.revocation.check(payload, this.usernameIn(payload));
    const user = keyOwner === undefined ? await this.userFromPayload(payload) : this.activeUser(keyOwner);
    return { token, user, payload };
  }

  /**
   * Logout (`/api-token-revoke/`): the token is refused from now on, and under rotation its
   * whole chain. Resolves to the claims it revoked, or undefined when there was nothing to do
   * (the token had expired, or was already revoked). A token that is not valid (bad
   * signature...) is refused with its reason.
   */
  async revokeToken(token: string): Promise<Readonly<JwtPayload> | undefined> {
    let payload: Readonly<JwtPayload>;
    try {
      payload = (await this.verified(token)).payload;
    } catch (error) {
      if (error instanceof TokenRejectedError && error.reason === 'expired') return undefined;
      throw error;
    }
    this.usernameIn(payload);
    return (await this.revocation.revoke(payload)) ? payload : undefined;
  }

  /**
   * Log out everywhere: every token of this user issued until now is refused, without listing
   * them (call it when the password changes). Resolves when tokens issued from then on pass.
   */
  async revokeAllForUser(user: TUser): Promise<void> {
    const username = this.users.getUsername(user);
    if (typeof username !== 'string' || username === '') {
      throw new TypeError('nest-rest-jwt: revokeAllForUser: the user has no username');
    }
    await this.revocation.revokeSubject(username);
  }

  /**
   * What `/api-token-refresh/` does: verify (so an expired token cannot be refreshed), check
   * `orig_iat` against the refresh window (inclusive), then a new token that keeps `orig_iat`.
   */
  async refreshToken(token: string): Promise<IssuedToken<TUser>> {
    const { payload, user: keyOwner } = await this.verified(token);
    const state = await this.revocation.lookup(payload, this.usernameIn(payload));
    const rotate = this.settings.rotateOnRefresh;
    if (state.token === 'replaced' && rotate) await this.reuseDetected(payload);
    if (state.token !== undefined || this.revocation.isRevoked(payload, state)) {
      throw new TokenRejectedError('revoked');
    }
    const user = keyOwner === undefined ? await this.userFromPayload(payload) : this.activeUser(keyOwner);
    const origIat = payload.orig_iat;
    if (isFalsyInPython(origIat)) throw new TokenRejectedError('refresh_required');
    if (!isFiniteNumber(origIat)) throw new TokenRejectedError('invalid');
    if (refreshExpired(origIat, this.settings.refreshExpirationDelta, nowSeconds())) {
      throw new TokenRejectedError('refresh_expired');
    }
    // Of two concurrent refreshes of one token, one wins; the other is a reuse.
    if (rotate && !(await this.revocation.replace(payload))) await this.reuseDetected(payload);
    const next = this.createPayload(user);
    next.orig_iat = origIat;
    if (rotate) next.orig_jti = typeof payload.orig_jti === 'string' ? payload.orig_jti : payload.jti;
    return { token: this.sign(next, user), user };
  }

  /** A replaced token presented again: someone holds a copy. The whole chain is revoked. */
  private async reuseDetected(payload: Readonly<JwtPayload>): Promise<never> {
    await this.revocation.revokeChain(payload);
    throw new TokenRejectedError('revoked');
  }
}

/** Upstream tests `if orig_iat:`; these are the JSON values Python finds false. */
function isFalsyInPython(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Refresh is allowed while `now <= orig_iat + delta`. */
export function refreshExpired(origIat: number, refreshDelta: number, now: number): boolean {
  return now > origIat + refreshDelta;
}
