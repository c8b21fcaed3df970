import { Inject, Injectable, Optional } from '@nestjs/common';
import { TokenRejectedError } from '../common/errors.js';
import { userIdMatches, usernameFromClaim } from '../common/claims.js';
import type { JwtPayload } from '../common/jwt.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { TokenUser } from '../users/token-user.js';
import { UserCache } from '../users/user-cache.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { SimpleJwtAuthentication } from './simplejwt-authentication.js';
import { TokenRevocation } from './token-revocation.js';

/** A verified token, and with `getUserSecretKey` the user looked up for its key. */
export interface VerifiedToken<TUser extends object> {
  payload: Readonly<JwtPayload>;
  keyOwner?: TUser;
}

/**
 * From a token to its user, in upstream's order: signature and claims, revocation, then the
 * user it names (`_check_user`). The guards, the verify and refresh endpoints and logout all
 * start here. Refusals are TokenRejectedError; a store outage is RevocationUnavailableError.
 */
@Injectable()
export class TokenAuthentication<TUser extends object = object> {
  private readonly userCache?: UserCache<TUser>;
  private readonly verifiesAtOnce: boolean;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly verifier: TokenVerifier,
    private readonly issuer: TokenIssuer<TUser>,
    private readonly users: UserLookupService<TUser>,
    private readonly revocation: TokenRevocation,
    /** simplejwt's authentication, when the module speaks it (the guards reach it here). */
    @Optional() readonly simpleJwt?: SimpleJwtAuthentication<TUser>,
  ) {
    if (settings.userCacheTtl > 0) this.userCache = new UserCache(settings.userCacheTtl);
    this.verifiesAtOnce = settings.remoteJwks === undefined && settings.getUserSecretKey === undefined;
  }

  /**
   * Verifies a token. With `getUserSecretKey`, the user its payload names is looked up first, for
   * the key, and returned; an unknown user is a bad signature (no key), so nothing is revealed.
   */
  async verify(token: string): Promise<VerifiedToken<TUser>> {
    if (this.settings.getUserSecretKey === undefined) return { payload: await this.verifier.verifyAsync(token) };
    let keyOwner: TUser | undefined;
    const payload = await this.verifier.verifyWithKeyOf(token, async (claims) => {
      const named = usernameFromClaim(this.settings.getUsernameFromPayload(claims));
      if (named === 'none') throw new TokenRejectedError('payload');
      if (named !== 'no-such-user') keyOwner = (await this.users.findByUsername(named.username)) ?? undefined;
      if (keyOwner === undefined) throw new TokenRejectedError('decode');
      return this.issuer.userSecret(keyOwner);
    });
    return { payload, keyOwner };
  }

  /**
   * What JwtAuthGuard does with a token: verify it, then the user it names, through the user
   * cache (`userCacheTtl`) or, with `stateless`, a TokenUser built from the claims alone.
   */
  async authenticate(token: string): Promise<TUser | TokenUser> {
    // Without a JWKS or per-user keys, verifying needs no wait: no tick spent on it.
    const { payload, keyOwner } = this.verifiesAtOnce
      ? { payload: this.verifier.verify(token), keyOwner: undefined }
      : await this.verify(token);
    const username = this.usernameIn(payload);
    // Never skipped, not even for a token the verifier had cached or a stateless user.
    const revocation = this.revocation.check(payload, username);
    if (revocation !== undefined) await revocation;
    if (keyOwner !== undefined) return this.activeUser(this.boundTo(payload, keyOwner));
    // Stateless: no user to compare with; the TokenUser carries the token's own user_id.
    if (this.settings.stateless) return new TokenUser(username, payload);
    const cached = this.userCache?.get(username);
    // A cached user of another id may be stale (the account was replaced): asked again below.
    if (cached !== undefined && this.isBoundTo(payload, cached)) return cached;
    // userOf's lookup, inline: one promise fewer on every guarded request.
    const found = await this.users.findByUsername(username);
    if (!found) throw new TokenRejectedError('user_not_found');
    const user = this.activeUser(this.boundTo(payload, found));
    this.userCache?.set(username, user);
    return user;
  }

  /** What `/api-token-verify/` checks: the token, its revocation and its user. */
  async verifyWithUser(token: string): Promise<{ token: string; user: TUser; payload: Readonly<JwtPayload> }> {
    const verified = await this.verify(token);
    await this.revocation.check(verified.payload, this.usernameIn(verified.payload));
    return { token, user: await this.userOf(verified), payload: verified.payload };
  }

  /** The active user a verified token names (upstream's `_check_user`). */
  async userOf({ payload, keyOwner }: VerifiedToken<TUser>): Promise<TUser> {
    if (keyOwner !== undefined) return this.activeUser(this.boundTo(payload, keyOwner));
    const user = await this.users.findByUsername(this.usernameIn(payload));
    if (!user) throw new TokenRejectedError('user_not_found');
    return this.activeUser(this.boundTo(payload, user));
  }

  /**
   * Logout's check: a token whose username now belongs to another account (another `user_id`)
   * is refused as its user unknown. A user who no longer exists at all is no one's: the token
   * may still be revoked. Stateless apps have no users to compare with.
   */
  async refuseIfReassigned({ payload, keyOwner }: VerifiedToken<TUser>): Promise<void> {
    if (this.settings.stateless) return;
    const user = keyOwner ?? (await this.users.findByUsername(this.usernameIn(payload)));
    if (user) this.boundTo(payload, user);
  }

  /**
   * A token is bound to the account it was issued to, not only to its username: a user deleted
   * and a new one registered under the same name (or a rename) must not inherit the old tokens.
   * Refused as upstream refuses an unknown user; a token without `user_id` names no account.
   */
  private boundTo(payload: Readonly<JwtPayload>, user: TUser): TUser {
    if (!this.isBoundTo(payload, user)) throw new TokenRejectedError('user_not_found');
    return user;
  }

  private isBoundTo(payload: Readonly<JwtPayload>, user: TUser): boolean {
    return userIdMatches(payload.user_id, this.users.getUserId(user));
  }

  /**
   * The username a payload names (JWT_PAYLOAD_GET_USERNAME_HANDLER), read as upstream reads it
   * (common/claims.ts): refused as `payload` when there is none, as `user_not_found` when it
   * is a value no user can be called.
   */
  usernameIn(payload: Readonly<JwtPayload>): string {
    const named = usernameFromClaim(this.settings.getUsernameFromPayload(payload));
    if (named === 'none') throw new TokenRejectedError('payload');
    if (named === 'no-such-user') throw new TokenRejectedError('user_not_found');
    return named.username;
  }

  private activeUser(user: TUser): TUser {
    if (!this.users.isActive(user)) throw new TokenRejectedError('user_inactive');
    return user;
  }
}
