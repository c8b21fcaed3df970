import { Injectable } from '@nestjs/common';
import {
  SimpleJwtAuthenticationFailed,
  SimpleJwtTokenError,
  type TokenClassMessage,
  TokenRejectedError,
} from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { SIMPLE_JWT_MESSAGES as M } from '../common/messages.js';
import { SIMPLE_TOKEN_CLASSES, SimpleJwtTokens, type SimpleTokenType } from '../tokens/simplejwt-tokens.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { RefreshRotation } from './refresh-rotation.js';
import { TokenRevocation } from './token-revocation.js';

/**
 * The revocation subject of a simplejwt user: its id, never its username (which can be renamed
 * and reused). The NUL keeps it apart from every username (a username never holds one).
 */
export function simpleJwtSubject(userId: string): string {
  return `\u0000user_id:${userId}`;
}

/**
 * simplejwt's side of a token: its checks with the blacklist first (BlacklistMixin.verify), the
 * user it names found by id, and JWTAuthentication for the guard. Refusals are
 * SimpleJwtTokenError (a token's fault) and SimpleJwtAuthenticationFailed (a user's).
 */
@Injectable()
export class SimpleJwtAuthentication<TUser extends object = object> {
  constructor(
    readonly tokens: SimpleJwtTokens<TUser>,
    private readonly users: UserLookupService<TUser>,
    private readonly revocation: TokenRevocation,
    private readonly rotation: RefreshRotation,
  ) {}

  /**
   * A token of one type, as simplejwt's Token(raw) reads it: decoded, refused when blacklisted
   * (or its user logged out everywhere), then `exp`, id and type. `undefined`: any type.
   */
  async validated(
    raw: string,
    type: SimpleTokenType | undefined,
    { inGrace = false }: { inGrace?: boolean } = {},
  ): Promise<Readonly<JwtPayload>> {
    const payload = this.tokens.decode(raw);
    // simplejwt reads the id first (and answers 500 without one): "Token has no id" here.
    this.tokens.idOf(payload);
    await this.refuseBlacklisted(payload, inGrace);
    this.tokens.verifyClaims(payload, type);
    return payload;
  }

  /** Whether the store refuses the token: blacklisted (or rotated away), or its user logged out everywhere. */
  async refuseBlacklisted(payload: Readonly<JwtPayload>, rotatedInGrace = false): Promise<void> {
    const view = this.revocationView(payload);
    const state = await this.revocation.lookup(view, this.subjectOf(payload));
    // A token rotated away may still be within the grace period: `rotate` decides, atomically.
    const replaced = state.token === 'replaced' && !rotatedInGrace;
    if (replaced || state.token === 'revoked' || this.revocation.isRevoked(view, state)) {
      throw new SimpleJwtTokenError(M.blacklisted);
    }
  }

  /**
   * BLACKLIST_AFTER_ROTATION, with the module's rotation grace period (RefreshRotation): the
   * token is replaced by `successor`; refreshed again within `rotationGracePeriod`, it gets the
   * same successor (two tabs refreshing at once log nobody out); after it, "Token is blacklisted".
   */
  async rotate(payload: Readonly<JwtPayload>, successor: JwtPayload): Promise<JwtPayload> {
    try {
      return await this.rotation.replace(this.revocationView(payload), successor, this.subjectOf(payload));
    } catch (error) {
      throw error instanceof TokenRejectedError ? new SimpleJwtTokenError(M.blacklisted) : error;
    }
  }

  /** TokenBlacklistSerializer and BLACKLIST_AFTER_ROTATION: the token is refused from now on. */
  async blacklist(payload: Readonly<JwtPayload>): Promise<void> {
    await this.revocation.revoke(this.revocationView(payload), this.subjectOf(payload));
  }

  /**
   * JWTAuthentication.get_validated_token and get_user: the token as each accepted class reads
   * it (each refusal listed in `messages`), then its user, by id.
   */
  async authenticate(raw: string): Promise<TUser> {
    const messages: TokenClassMessage[] = [];
    for (const type of this.tokens.settings.authTokenClasses) {
      try {
        // Access tokens are never blacklisted; the store still refuses them after "log out everywhere".
        return await this.userOf(await this.validated(raw, type));
      } catch (error) {
        if (!(error instanceof SimpleJwtTokenError)) throw error;
        messages.push({ token_class: SIMPLE_TOKEN_CLASSES[type], token_type: type, message: error.message });
      }
    }
    throw new SimpleJwtAuthenticationFailed(M.notValidForAnyType, 'token_not_valid', messages);
  }

  /** JWTAuthentication.get_user: by id, active, and (CHECK_REVOKE_TOKEN) the same password. */
  private async userOf(payload: Readonly<JwtPayload>): Promise<TUser> {
    const { settings } = this.tokens;
    const id = this.userIdIn(payload);
    if (id === undefined) throw new SimpleJwtAuthenticationFailed(M.noUserId, 'token_not_valid');
    const user = id === null ? null : await this.findById(id);
    if (!user) throw new SimpleJwtAuthenticationFailed(M.userNotFound, 'user_not_found');
    if (settings.checkUserIsActive && !this.users.isActive(user)) {
      throw new SimpleJwtAuthenticationFailed(M.userInactive, 'user_inactive');
    }
    if (settings.checkRevokeToken && payload[settings.revokeTokenClaim] !== this.tokens.passwordDigest(user)) {
      throw new SimpleJwtAuthenticationFailed(M.passwordChanged, 'password_changed');
    }
    return user;
  }

  /**
   * The user a token names, by id, whoever now has its old username; null when none. An id that
   * is neither text nor a whole number names no user (Django would look up its Python text).
   */
  async findById(id: string): Promise<TUser | null> {
    const findById = this.users.findById;
    if (findById === undefined) throw new Error('nest-rest-jwt: UserLookupService.findById is required by simplejwt');
    return (await findById.call(this.users, id)) ?? null;
  }

  /**
   * The user id claim as text; undefined when the token has none, null when it is a value no
   * user has (neither text nor a whole number: Django would look up its Python text).
   */
  userIdIn(payload: Readonly<JwtPayload>): string | null | undefined {
    const value = payload[this.tokens.settings.userIdClaim];
    if (value === undefined) return undefined;
    return typeof value === 'string' || Number.isSafeInteger(value) ? String(value) : null;
  }

  private subjectOf(payload: Readonly<JwtPayload>): string {
    return simpleJwtSubject(this.userIdIn(payload) ?? '');
  }

  /** The claims the revocation store reads (`jti`, `iat`, `exp`) under simplejwt's claim names. */
  private revocationView(payload: Readonly<JwtPayload>): JwtPayload {
    return { jti: this.tokens.idOf(payload), iat: payload.iat, exp: payload.exp };
  }
}
