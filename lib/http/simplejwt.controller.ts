import { type HttpException, Inject, Req, Res } from '@nestjs/common';
import { SIMPLE_JWT_MESSAGES as M } from '../common/messages.js';
import { asSimpleJwt, nonFieldError, type Refusal, simpleJwtRefusalOf } from '../common/refusal.js';
import { JwtAuthEventDispatcher } from '../events/jwt-auth-event-dispatcher.js';
import { SimpleJwtFlow } from '../flows/simplejwt.flow.js';
import { Public } from '../guards/public.decorator.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import { logRefusal } from '../refusals/refusal-log.js';
import { simpleJwtChallenge, renderSimpleJwtRefusal } from '../refusals/simplejwt-refusal.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { SimpleJwtSettings } from '../settings/simplejwt-settings.js';
import { LoginThrottle } from '../throttle/login-throttle.js';
import { RefreshDto } from '../bodies/refresh.dto.js';
import { TokenDto } from '../bodies/token.dto.js';
import { crossSiteRefusal } from '../guards/cross-site.js';
import { DrfEndpoint, type EndpointRequest, type Reply } from './drf-endpoint.js';
import { Refused } from './refused.js';
import { SimpleJwtRefreshCookie } from './simplejwt-refresh-cookie.js';

/**
 * simplejwt's views (views.py): obtain, refresh, verify, blacklist, and the sliding views served
 * at the obtain and refresh paths under `slidingTokens`. No route of its own: the routes are
 * those of `simpleJwtControllerAt` (configurable paths). The endpoint machinery (bodies,
 * negotiation, 405) is DrfEndpoint's; refusals are rendered by simplejwt's renderer.
 */
@Public()
export class SimpleJwtController extends DrfEndpoint {
  protected readonly simpleJwt: SimpleJwtSettings;
  protected readonly challenge: string;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) protected readonly settings: JwtAuthSettings,
    protected readonly flow: SimpleJwtFlow,
    protected readonly loginThrottle: LoginThrottle,
    protected readonly events: JwtAuthEventDispatcher,
    protected readonly refreshCookie: SimpleJwtRefreshCookie,
  ) {
    super();
    if (settings.simpleJwt === undefined) throw new Error('nest-rest-jwt: the simplejwt protocol is off');
    this.simpleJwt = settings.simpleJwt;
    this.challenge = simpleJwtChallenge(this.simpleJwt.authHeaderTypes);
  }

  /** TokenObtainPairView, or TokenObtainSlidingView under `slidingTokens`. */
  obtain(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      // The login body of the module (`usernameField`, `loginDto`): simplejwt reads USERNAME_FIELD too.
      const { usernameField, loginBody } = this.settings;
      const login = await this.bodyOf(await this.readBody(request), loginBody, [usernameField, 'password']);
      const username = (login as unknown as Record<string, string>)[usernameField] ?? '';
      const { password } = login;
      const throttled = await this.loginThrottle.check(username, request);
      if (throttled !== undefined) {
        logRefusal(request, 'login throttled');
        await this.events.loginFailed(username, 'throttled', request);
        throw new Refused(throttled);
      }
      let issued;
      try {
        issued = this.simpleJwt.slidingTokens
          ? await this.flow.obtainSliding(username, password)
          : await this.flow.obtainPair(username, password);
      } catch (error) {
        if (simpleJwtRefusalOf(error, 503) !== undefined)
          await this.events.loginFailed(username, 'bad_credentials', request);
        throw error;
      }
      const body = this.refreshCookie.deliver(request, reply, issued.body);
      if (issued.user !== undefined) await this.events.loginSucceeded(issued.user, request);
      return body;
    });
  }

  /** TokenRefreshView, or TokenRefreshSlidingView under `slidingTokens`. */
  refresh(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      if (this.simpleJwt.slidingTokens) {
        const { token } = await this.bodyOf(await this.readBody(request), TokenDto);
        return (await this.flow.refreshSliding(token)).body;
      }
      const issued = await this.flow.refresh(await this.readRefresh(request));
      const body = this.refreshCookie.deliver(request, reply, issued.body);
      if (issued.user !== undefined) await this.events.tokenRefreshed(issued.user, request);
      return body;
    });
  }

  /** TokenVerifyView: `{}` for any valid token; a blacklisted one is a 400 under `blacklistAfterRotation`. */
  verify(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      const { token } = await this.bodyOf(await this.readBody(request), TokenDto);
      if (await this.flow.verify(token)) throw new Refused(nonFieldError(M.blacklisted, 'blacklisted'), true);
      return {};
    });
  }

  /** TokenBlacklistView: the refresh token is refused from now on (and its cookie cleared). */
  blacklist(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
    return this.answer(request, reply, async () => {
      await this.flow.blacklist(await this.readRefresh(request));
      this.refreshCookie.clear(reply);
      return {};
    });
  }

  /** Any other method on the paths. */
  refuseMethod(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): never {
    return this.methodNotAllowed(request, reply);
  }

  protected renderRefusal(refusal: Refusal, reply: Reply): HttpException {
    return renderSimpleJwtRefusal(asSimpleJwt(refusal), reply, this.challenge);
  }

  protected refusalOfError(error: unknown): Refusal | undefined {
    return simpleJwtRefusalOf(error, this.settings.revocationUnavailableStatus);
  }

  /** In cookie mode every view here sets or clears the refresh cookie: cross-site requests are refused. */
  protected override beforeHandler(request: EndpointRequest): void {
    const csrf = this.refreshCookie.csrf;
    if (csrf === undefined) return;
    const refusal = crossSiteRefusal(request, csrf.trustedOrigins);
    if (refusal !== undefined) throw new Refused(refusal, true);
  }

  /** The `refresh` field, or in cookie mode the refresh cookie when the body has none (CSRF-checked). */
  private async readRefresh(request: EndpointRequest): Promise<string> {
    const body = await this.readBody(request);
    const fromCookie = this.refreshCookie.read(request, body);
    if (fromCookie !== undefined) return fromCookie;
    return (await this.bodyOf(body, RefreshDto)).refresh;
  }
}
