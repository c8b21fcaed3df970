import { Injectable } from '@nestjs/common';
import type { JwtPayload } from '../common/jwt.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import type { TokenUser } from '../users/token-user.js';
import { LoginFlow } from './login.flow.js';
import { LogoutFlow } from './logout.flow.js';
import { RefreshFlow } from './refresh.flow.js';
import { TokenAuthentication } from './token-authentication.js';

export interface IssuedToken<TUser extends object = object> {
  token: string;
  user: TUser;
}

/**
 * The module's tokens from code (websockets, tests, CLIs, a password change): the same rules
 * the endpoints and the guard apply, since they run the same flows. Refusals are
 * TokenRejectedError, whose `reason` says why and whose `message` is the endpoints' text.
 */
@Injectable()
export class JwtAuthService<TUser extends object = object> {
  constructor(
    private readonly login: LoginFlow<TUser>,
    private readonly issuer: TokenIssuer<TUser>,
    private readonly authentication: TokenAuthentication<TUser>,
    private readonly refresh: RefreshFlow<TUser>,
    private readonly logout: LogoutFlow<TUser>,
  ) {}

  /** The user for these credentials, or null: unknown, wrong password and inactive alike. */
  authenticate(username: string, password: string): Promise<TUser | null> {
    return this.login.authenticate(username, password);
  }

  /** A new token for a user who is already authenticated. */
  issueToken(user: TUser): string {
    return this.issuer.issueToken(user);
  }

  /** Signs claims as they are; with `getUserSecretKey`, with the key of `user` (required then). */
  sign(payload: JwtPayload, user?: TUser): string {
    return this.issuer.sign(payload, user);
  }

  /**
   * Signature and claims only: no revocation check, no user lookup. Fetches the key a token
   * names (`jwksUrl`) or the user's key (`getUserSecretKey`). The payload is frozen: it may be
   * shared.
   */
  async verifyPayload(token: string): Promise<Readonly<JwtPayload>> {
    return (await this.authentication.verify(token)).payload;
  }

  /** What `/api-token-verify/` checks: the token, its revocation and its user. Returns the same token. */
  verifyToken(token: string): Promise<IssuedToken<TUser> & { payload: Readonly<JwtPayload> }> {
    return this.authentication.verifyWithUser(token);
  }

  /** What JwtAuthGuard does: the user a token authenticates (a TokenUser with `stateless`). */
  authenticateToken(token: string): Promise<TUser | TokenUser> {
    return this.authentication.authenticate(token);
  }

  /** What `/api-token-refresh/` does: a new token for a valid one that carries `orig_iat`. */
  refreshToken(token: string): Promise<IssuedToken<TUser>> {
    return this.refresh.refresh(token);
  }

  /**
   * Logout: the token is refused from now on (under rotation, its whole chain). Resolves to the
   * claims it revoked, or undefined when there was nothing to do (expired, or already revoked).
   */
  revokeToken(token: string): Promise<Readonly<JwtPayload> | undefined> {
    return this.logout.revokeToken(token);
  }

  /**
   * Log out everywhere: every token of this user issued until now is refused (call it when the
   * password changes). Resolves when tokens issued from then on pass.
   */
  revokeAllForUser(user: TUser): Promise<void> {
    return this.logout.revokeAllForUser(user);
  }
}
