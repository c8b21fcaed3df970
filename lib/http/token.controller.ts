import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Patch,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import { TokenReuseDetectedError } from '../common/errors.js';
import { INVALID_CREDENTIALS } from '../common/messages.js';
import { fieldErrors, nonFieldError, type Refusal, refusalOf } from '../common/refusal.js';
import { TOKEN_ROUTES } from '../common/routes.js';
import { clearTokenCookies, setTokenCookies } from '../cookies/response-cookies.js';
import { JwtAuthEventDispatcher } from '../events/jwt-auth-event-dispatcher.js';
import type { LoginFailureReason } from '../events/jwt-auth-events.js';
import { JwtAuthService } from '../flows/jwt-auth.service.js';
import { readCredentials } from '../guards/credentials.js';
import { crossSiteRefusal } from '../guards/cross-site.js';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';
import { Public } from '../guards/public.decorator.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import { renderHttpRefusal } from '../refusals/http-refusal.js';
import { logRefusal } from '../refusals/refusal-log.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { LoginThrottle } from '../throttle/login-throttle.js';
import { TokenDto } from '../bodies/token.dto.js';
import { checkLogin } from '../flows/login-check.js';
import { DrfEndpoint, type EndpointRequest, type Reply } from './drf-endpoint.js';
import { Refused } from './refused.js';

/** Methods answered with 405 (HEAD follows GET on both adapters). */
export const REFUSED_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE'] as const;

const LOGIN_FAILURE_LOG: Record<LoginFailureReason, string> = {
  bad_credentials: 'bad credentials',
  throttled: 'login throttled',
  refused_by_check: 'login refused by checkLogin',
};

/**
 * Upstream's views, one handler each, plus logout: the token endpoints. Served under the
 * module's route prefix (see `tokenControllerAt`). Each handler reads the body once, runs a
 * flow, and answers; every refusal is data (common/refusal.ts) rendered in one place.
 */
@Public()
@Controller()
export class TokenController extends DrfEndpoint {
  /** The `WWW-Authenticate` value of a 401. */
  protected readonly challenge: string;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) protected readonly settings: JwtAuthSettings,
    protected readonly tokens: JwtAuthService,
    protected readonly loginThrottle: LoginThrottle,
    protected readonly guard: JwtAuthGuard,
    protected readonly events: JwtAuthEventDispatcher,
  ) {
    super();
    this.challenge = `${settings.authHeaderPrefix} realm="api"`;
  }

  /** POST /api-token-auth/: username and password for a token. */
  @Post(TOKEN_ROUTES[0])
  @HttpCode(HttpStatus.OK)
  obtain(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      this.refuseWhenVerifyOnly(request);
      const { usernameField, loginBody } = this.settings;
      const login = await this.bodyOf(await this.readBody(request), loginBody, [usernameField, 'password']);
      const username = (login as unknown as Record<string, string>)[usernameField];
      const throttled = await this.loginThrottle.check(username, request);
      if (throttled !== undefined) {
        await this.loginFailed(request, username, 'throttled');
        throw new Refused(throttled);
      }
      const user = await this.tokens.authenticate(username, login.password);
      if (!user) {
        await this.loginFailed(request, username, 'bad_credentials');
        throw new Refused(nonFieldError(INVALID_CREDENTIALS, 'bad credentials'));
      }
      const refused = await checkLogin(this.settings.hooks, { user, username, body: login, request });
      if (refused !== undefined) {
        await this.loginFailed(request, username, 'refused_by_check');
        throw new Refused(fieldErrors(refused, 'login refused by checkLogin'));
      }
      const body = this.respond(this.tokens.issueToken(user), user, request, reply);
      // Only once the answer is ready: an event never tells of a login that then failed.
      await this.events.loginSucceeded(user, request);
      return body;
    });
  }

  /** POST /api-token-refresh/: a new token for a valid one that carries `orig_iat`. */
  @Post(TOKEN_ROUTES[1])
  @HttpCode(HttpStatus.OK)
  refresh(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      this.refuseWhenVerifyOnly(request);
      const token = await this.readToken(request);
      const issued = await this.tokens.refreshToken(token).catch(async (error: unknown) => {
        if (error instanceof TokenReuseDetectedError) await this.events.tokenReuseDetected(error, request);
        throw error;
      });
      const body = this.respond(issued.token, issued.user, request, reply);
      await this.events.tokenRefreshed(issued.user, request);
      return body;
    });
  }

  /** POST /api-token-verify/: the same token back when it and its user are valid. */
  @Post(TOKEN_ROUTES[2])
  @HttpCode(HttpStatus.OK)
  verify(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      const token = await this.readToken(request);
      const verified = await this.tokens.verifyToken(token);
      return this.respond(verified.token, verified.user, request, reply);
    });
  }

  /**
   * POST /api-token-revoke/ (logout, not in the reference): the token in the body, else the
   * request's own (Authorization header or cookie), is refused from now on. An expired or
   * already revoked token answers 200 too.
   */
  @Post(TOKEN_ROUTES[3])
  @HttpCode(HttpStatus.OK)
  revoke(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      const token = await this.readToken(request, true);
      // Claims only when this call revoked it: an expired or already revoked token gives no event.
      const revokedClaims = await this.tokens.revokeToken(token);
      clearTokenCookies(this.settings, reply);
      if (revokedClaims !== undefined) await this.events.tokenRevoked(revokedClaims, request);
      return {};
    });
  }

  /** POST /api-token-revoke-all/ (log out everywhere): every token of the authenticated user. */
  @Post(TOKEN_ROUTES[4])
  @HttpCode(HttpStatus.OK)
  revokeAll(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      const authenticated = await this.guard.authenticate(request);
      if (authenticated.refusal !== undefined) throw new Refused(authenticated.refusal, true);
      await this.tokens.revokeAllForUser(authenticated.user);
      clearTokenCookies(this.settings, reply);
      await this.events.allTokensRevoked(authenticated.user, request);
      return {};
    });
  }

  /** Any other method on the paths (one handler a method: Nest keeps one per handler). */
  @Get([...TOKEN_ROUTES])
  get(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): never {
    return this.methodNotAllowed(request, reply);
  }

  @Put([...TOKEN_ROUTES])
  put(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): never {
    return this.methodNotAllowed(request, reply);
  }

  @Patch([...TOKEN_ROUTES])
  patch(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): never {
    return this.methodNotAllowed(request, reply);
  }

  @Delete([...TOKEN_ROUTES])
  delete(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): never {
    return this.methodNotAllowed(request, reply);
  }

  /**
   * The endpoints' renderer: a refusal as the HTTP answer, in the configured error format. A
   * subclass may override it to shape the bodies otherwise.
   */
  protected renderRefusal(refusal: Refusal, reply: Reply): HttpException {
    return renderHttpRefusal(refusal, this.settings.errorFormat, reply, this.challenge);
  }

  protected refusalOfError(error: unknown): Refusal | undefined {
    return refusalOf(error, 'endpoint', this.settings.revocationUnavailableStatus);
  }

  /**
   * In cookie mode (with the CSRF defence) every endpoint here sets or clears the auth cookies:
   * a browser's cross-site request to one is refused (login and logout CSRF), see
   * guards/cross-site.ts. Clients that are not browsers send no Origin and are served.
   */
  protected override beforeHandler(request: EndpointRequest): void {
    const { authCookie, csrf } = this.settings;
    if (authCookie === undefined || csrf === undefined) return;
    const refusal = crossSiteRefusal(request, csrf.trustedOrigins);
    if (refusal !== undefined) throw new Refused(refusal, true);
  }

  /** verifyOnly signs nothing: login and refresh answer as a route that does not exist. */
  private refuseWhenVerifyOnly(request: EndpointRequest): void {
    if (this.settings.verifyOnly) throw new NotFoundException(`Cannot ${request.method} ${request.url}`);
  }

  /**
   * The `token` field; in cookie mode a body without one uses the token cookie (a page cannot
   * read it), and `fromCredentials` (logout) also the Authorization header. A token taken
   * from the cookie is subject to the CSRF defence, as any cookie-authenticated request.
   */
  private async readToken(request: EndpointRequest, fromCredentials = false): Promise<string> {
    const body = await this.readBody(request);
    if (fromCredentials || this.settings.authCookie !== undefined) {
      const data = body.kind === 'data' ? body.data : undefined;
      const bodyHasToken = typeof data === 'object' && data !== null && Object.hasOwn(data, 'token');
      const credentials = readCredentials(request, this.settings);
      if (!bodyHasToken && credentials.kind === 'token' && (fromCredentials || credentials.fromCookie)) {
        const csrf = this.guard.csrfRefusal(request, credentials.fromCookie);
        if (csrf !== undefined) throw new Refused(csrf, true);
        return credentials.token;
      }
    }
    return (await this.bodyOf(body, TokenDto)).token;
  }

  /** Logged (the reason only: never the password) and delivered to the hooks and listeners. */
  private async loginFailed(request: EndpointRequest, username: string, reason: LoginFailureReason): Promise<void> {
    logRefusal(request, LOGIN_FAILURE_LOG[reason]);
    await this.events.loginFailed(username, reason, request);
  }

  private respond(token: string, user: object, request: EndpointRequest, reply: Reply): object {
    setTokenCookies(this.settings, request, reply, token);
    const handler = this.settings.responsePayloadHandler;
    return handler ? handler(token, user, request) : { token };
  }
}
