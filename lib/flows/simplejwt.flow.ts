import { Injectable } from '@nestjs/common';
import { isFalsyInPython } from '../common/claims.js';
import { SimpleJwtAuthenticationFailed, SimpleJwtTokenError } from '../common/errors.js';
import { SIMPLE_JWT_MESSAGES as M } from '../common/messages.js';
import { UserLookupService } from '../users/user-lookup.service.js';
import { LoginFlow } from './login.flow.js';
import { SimpleJwtAuthentication } from './simplejwt-authentication.js';

/** TokenObtainPairView and TokenRefreshView (rotating): the tokens of a pair. */
export interface TokenPair {
  refresh: string;
  access: string;
}

/** What a view answers, with the user it served when it served one (for events and hooks). */
export interface SimpleJwtIssued<TUser extends object, TBody extends object> {
  body: TBody;
  user?: TUser;
}

/**
 * simplejwt's serializers (serializers.py, 5.5): obtain a pair or a sliding token, refresh
 * either, verify any token, blacklist a refresh token. Refusals are SimpleJwtTokenError and
 * SimpleJwtAuthenticationFailed; the controller renders them as simplejwt's views do.
 */
@Injectable()
export class SimpleJwtFlow<TUser extends object = object> {
  constructor(
    private readonly login: LoginFlow<TUser>,
    private readonly authentication: SimpleJwtAuthentication<TUser>,
    private readonly users: UserLookupService<TUser>,
  ) {}

  private get tokens() {
    return this.authentication.tokens;
  }

  /** TokenObtainPairSerializer: a refresh token for the user, and an access token made from it. */
  async obtainPair(username: string, password: string): Promise<SimpleJwtIssued<TUser, TokenPair>> {
    const user = await this.activeUser(username, password);
    const refresh = this.tokens.forUser('refresh', user);
    const body = { refresh: this.tokens.sign(refresh), access: this.tokens.sign(this.tokens.accessFrom(refresh)) };
    await this.updateLastLogin(user);
    return { body, user };
  }

  /** TokenObtainSlidingSerializer. */
  async obtainSliding(username: string, password: string): Promise<SimpleJwtIssued<TUser, { token: string }>> {
    const user = await this.activeUser(username, password);
    const body = { token: this.tokens.sign(this.tokens.forUser('sliding', user)) };
    await this.updateLastLogin(user);
    return { body, user };
  }

  /**
   * TokenRefreshSerializer: an access token for a valid refresh token whose user is active; with
   * rotation a new refresh token too (the old one blacklisted under `blacklistAfterRotation`).
   * A deleted user's token is refused as an inactive one's (simplejwt answers 500).
   */
  async refresh(raw: string): Promise<SimpleJwtIssued<TUser, { access: string; refresh?: string }>> {
    const { rotateRefreshTokens, blacklistAfterRotation } = this.tokens.settings;
    const inGrace = rotateRefreshTokens && blacklistAfterRotation;
    const payload = await this.authentication.validated(raw, 'refresh', { inGrace });
    let user: TUser | undefined;
    // As simplejwt: `if user_id and ...`: a token without one is refreshed as it is.
    if (!isFalsyInPython(payload[this.tokens.settings.userIdClaim])) {
      const id = this.authentication.userIdIn(payload);
      user = (typeof id === 'string' ? await this.authentication.findById(id) : null) ?? undefined;
      const allowed = user !== undefined && (!this.tokens.settings.checkUserIsActive || this.users.isActive(user));
      if (!allowed) throw new SimpleJwtAuthenticationFailed(M.noActiveAccountForToken);
    }
    const access = this.tokens.sign(this.tokens.accessFrom(payload));
    if (!rotateRefreshTokens) return { body: { access }, user };
    const renewed = this.tokens.renewed(payload, 'refresh');
    // Blacklisted as replaced, so that the grace period can give a second refresh the same successor.
    const successor = blacklistAfterRotation ? await this.authentication.rotate(payload, renewed) : renewed;
    return { body: { access, refresh: this.tokens.sign(successor) }, user };
  }

  /** TokenRefreshSlidingSerializer: a sliding token whose `refresh_exp` has not passed, with new `exp` and `iat`. */
  async refreshSliding(raw: string): Promise<SimpleJwtIssued<TUser, { token: string }>> {
    const payload = await this.authentication.validated(raw, 'sliding');
    this.tokens.checkTime(payload, this.tokens.settings.slidingTokenRefreshExpClaim);
    return { body: { token: this.tokens.sign(this.tokens.renewed(payload, 'sliding')) } };
  }

  /**
   * TokenVerifySerializer: any valid token (UntypedToken); with `blacklistAfterRotation`, a
   * blacklisted one is refused. Resolves true when it is blacklisted (the view answers 400).
   */
  async verify(raw: string): Promise<boolean> {
    const payload = this.tokens.decode(raw);
    this.tokens.verifyClaims(payload, undefined);
    if (!this.tokens.settings.blacklistAfterRotation) return false;
    try {
      await this.authentication.refuseBlacklisted(payload);
      return false;
    } catch (error) {
      if (error instanceof SimpleJwtTokenError) return true;
      throw error;
    }
  }

  /** TokenBlacklistSerializer: a valid refresh token is blacklisted (a blacklisted one is refused). */
  async blacklist(raw: string): Promise<void> {
    const payload = await this.authentication.validated(raw, 'refresh');
    await this.authentication.blacklist(payload);
  }

  /** TokenObtainSerializer.validate: unknown, wrong password and inactive alike. */
  private async activeUser(username: string, password: string): Promise<TUser> {
    const user = await this.login.authenticate(username, password);
    if (!user) throw new SimpleJwtAuthenticationFailed(M.noActiveAccount);
    return user;
  }

  /** UPDATE_LAST_LOGIN. */
  private async updateLastLogin(user: TUser): Promise<void> {
    if (this.tokens.settings.updateLastLogin) await this.users.updateLastLogin?.(user);
  }
}
