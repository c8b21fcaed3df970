import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isFiniteNumber } from '../common/claims.js';
import { nowSeconds } from '../common/clock.js';
import { SimpleJwtTokenError, TokenRejectedError } from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { SIMPLE_JWT_MESSAGES as M } from '../common/messages.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { SimpleJwtSettings } from '../settings/simplejwt-settings.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenVerifier } from './token-verifier.js';

/** simplejwt's token types (`token_type`). */
export type SimpleTokenType = 'access' | 'refresh' | 'sliding';

/** The class names simplejwt's authentication lists in `messages`. */
export const SIMPLE_TOKEN_CLASSES: Readonly<Record<SimpleTokenType, string>> = {
  access: 'AccessToken',
  refresh: 'RefreshToken',
  sliding: 'SlidingToken',
};

/**
 * simplejwt's tokens (tokens.py): new ones for a user, access tokens from refresh tokens,
 * rotated and slid ones, and the checks of `Token.verify`, each refusal a SimpleJwtTokenError
 * with simplejwt's text. Signed and verified with the module's keys and algorithm (the one key
 * ring): only the claims checks (leeway, audience, issuer) are simplejwt's.
 */
@Injectable()
export class SimpleJwtTokens<TUser extends object = object> {
  readonly settings: SimpleJwtSettings;
  private readonly verifier: TokenVerifier;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) moduleSettings: JwtAuthSettings,
    private readonly issuer: TokenIssuer<TUser>,
    private readonly users: UserLookupService<TUser>,
  ) {
    if (moduleSettings.simpleJwt === undefined) throw new Error('nest-rest-jwt: the simplejwt protocol is off');
    const settings = moduleSettings.simpleJwt;
    this.settings = settings;
    // PyJWT's checks with simplejwt's LEEWAY, AUDIENCE and ISSUER; `exp` is required below, with simplejwt's text.
    this.verifier = new TokenVerifier({
      ...moduleSettings,
      leeway: settings.leeway,
      audience: settings.audience,
      issuer: settings.issuer,
      verifyExpiration: true,
      requireExpiration: false,
    });
  }

  /** TokenBackend.decode: signature and PyJWT's claims checks ("Token is expired" / "Token is invalid"). */
  decode(token: string): Readonly<JwtPayload> {
    let payload: Readonly<JwtPayload>;
    try {
      payload = this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error;
      throw new SimpleJwtTokenError(error.reason === 'expired' ? M.expired : M.invalid);
    }
    // PyJWT refuses `exp <= now - leeway` with the clock's fractions; the verifier counts whole seconds.
    if (isFiniteNumber(payload.exp) && payload.exp <= Date.now() / 1000 - this.settings.leeway) {
      throw new SimpleJwtTokenError(M.expired);
    }
    return payload;
  }

  /** The token's id (`jtiClaim`), or "Token has no id" (simplejwt answers 500 for a refresh token without one). */
  idOf(payload: Readonly<JwtPayload>): string {
    const jti = payload[this.settings.jtiClaim];
    if (jti === undefined) throw new SimpleJwtTokenError(M.noId);
    return String(jti);
  }

  /** Token.verify: `exp`, the id, then the type (`undefined`: UntypedToken, any type). */
  verifyClaims(payload: Readonly<JwtPayload>, type: SimpleTokenType | undefined): void {
    this.checkTime(payload, 'exp');
    this.idOf(payload);
    if (type === undefined) return;
    const { tokenTypeClaim } = this.settings;
    if (!Object.hasOwn(payload, tokenTypeClaim)) throw new SimpleJwtTokenError(M.noType);
    if (payload[tokenTypeClaim] !== type) throw new SimpleJwtTokenError(M.wrongType);
  }

  /** Token.check_exp: the claim is there and has not passed (`<= now - leeway`). */
  checkTime(payload: Readonly<JwtPayload>, claim: string): void {
    if (!Object.hasOwn(payload, claim)) throw new SimpleJwtTokenError(M.noClaim(claim));
    const value = payload[claim];
    if (!isFiniteNumber(value)) throw new SimpleJwtTokenError(M.invalid);
    if (value <= Date.now() / 1000 - this.settings.leeway) throw new SimpleJwtTokenError(M.claimExpired(claim));
  }

  /** Token.for_user: a new token naming the user by id (as text, as 5.5 writes it). */
  forUser(type: SimpleTokenType, user: TUser): JwtPayload {
    const payload = this.newToken(type);
    if (type === 'sliding') {
      payload[this.settings.slidingTokenRefreshExpClaim] = nowSeconds() + this.settings.slidingTokenRefreshLifetime;
    }
    payload[this.settings.userIdClaim] = this.userIdOf(user);
    if (this.settings.checkRevokeToken) payload[this.settings.revokeTokenClaim] = this.passwordDigest(user);
    return payload;
  }

  /** RefreshToken.access_token: a new access token with the refresh token's other claims. */
  accessFrom(refresh: Readonly<JwtPayload>): JwtPayload {
    const access = this.newToken('access');
    const { tokenTypeClaim, jtiClaim } = this.settings;
    const notCopied = new Set([tokenTypeClaim, 'exp', jtiClaim, 'jti', 'iat']);
    for (const [claim, value] of Object.entries(refresh)) if (!notCopied.has(claim)) access[claim] = value;
    return access;
  }

  /** Rotation (and sliding refresh): the same claims with a new id (rotation only), `exp` and `iat`. */
  renewed(payload: Readonly<JwtPayload>, type: 'refresh' | 'sliding'): JwtPayload {
    const now = nowSeconds();
    const next: JwtPayload = { ...payload };
    if (type === 'refresh') next[this.settings.jtiClaim] = newJti();
    next.exp = now + this.lifetimeOf(type);
    next.iat = now;
    return next;
  }

  /** TokenBackend.encode: `aud` and `iss` when configured, signed with the module's key. */
  sign(payload: JwtPayload): string {
    const claims: JwtPayload = { ...payload };
    if (this.settings.audience !== undefined) claims.aud = this.settings.audience;
    if (this.settings.issuer !== undefined) claims.iss = this.settings.issuer;
    return this.issuer.sign(claims);
  }

  /** `USER_ID_FIELD` of the user, as text. */
  userIdOf(user: TUser): string {
    const { userIdField } = this.settings;
    const id = userIdField === 'id' ? this.users.getUserId(user) : (user as Record<string, unknown>)[userIdField];
    return String(id);
  }

  /** get_md5_hash_password: the MD5 of the stored hash, upper-case hex ('' hashes as ''). */
  passwordDigest(user: TUser): string {
    return createHash('md5')
      .update(this.users.getPasswordHash(user) ?? '', 'utf8')
      .digest('hex')
      .toUpperCase();
  }

  private newToken(type: SimpleTokenType): JwtPayload {
    const now = nowSeconds();
    return {
      [this.settings.tokenTypeClaim]: type,
      exp: now + this.lifetimeOf(type),
      iat: now,
      [this.settings.jtiClaim]: newJti(),
    };
  }

  private lifetimeOf(type: SimpleTokenType): number {
    const { accessTokenLifetime, refreshTokenLifetime, slidingTokenLifetime } = this.settings;
    return type === 'access' ? accessTokenLifetime : type === 'refresh' ? refreshTokenLifetime : slidingTokenLifetime;
  }
}

/** uuid4().hex */
function newJti(): string {
  return randomUUID().replaceAll('-', '');
}
