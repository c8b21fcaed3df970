import { Inject, Injectable } from '@nestjs/common';
import { InactiveUserError } from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { type CookieRequest, type CookieResponse, setTokenCookies } from '../cookies/response-cookies.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import type { TokenUser } from '../users/token-user.js';
import { UserLookupService } from '../users/user-lookup.service.js';
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
    private readonly users: UserLookupService<TUser>,
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
  ) {}

  /** The user for these credentials, or null: unknown, wrong password and inactive alike. */
  authenticate(username: string, password: string): Promise<TUser | null> {
    return this.login.authenticate(username, password);
  }

  /**
   * A new token for a user who is already authenticated. Throws InactiveUserError for a user
   * that `UserLookupService.isActive` says is inactive.
   */
  issueToken(user: TUser): string {
    if (!this.users.isActive(user)) throw new InactiveUserError();
    return this.issuer.issueToken(user);
  }

  /**
   * Logs in a user the app authenticated itself (OAuth, a magic link): the token, as
   * `issueToken` makes it (InactiveUserError for an inactive user), and in cookie mode the
   * token and CSRF cookies set on `response` (Express's or Fastify's), as the login endpoint
   * sets them. `request`, when given, keeps the CSRF value the browser already has.
   */
  logIn(user: TUser, response: CookieResponse, request?: CookieRequest): string {
    const token = this.issueToken(user);
    setTokenCookies(this.settings, request ?? { headers: {} }, response, token);
    return token;
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
