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
  type Type,
} from '@nestjs/common';
import { readCredentials } from '../auth/credentials.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { clearTokenCookies, setTokenCookies } from '../cookies/response-cookies.js';
import { Public } from '../auth/public.decorator.js';
import { JWT_AUTH_SETTINGS } from '../constants.js';
import { JwtAuthEventDispatcher } from '../events/jwt-auth-event-dispatcher.js';
import type { LoginFailureReason } from '../events/jwt-auth-events.js';
import { logRefusal } from '../logging/refusal-log.js';
import type { AnyRequest } from '../settings/jwt-auth-options.interface.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { RevocationUnavailableError, TokenRejectedError } from '../tokens/token-error.js';
import { type CharFieldSpec, validateCharFields } from './drf-fields.js';
import { detailException, nonFieldException, setHeader, validationException } from './error-responses.js';
import { type ReadBody, readRequestBody } from './request-body.js';

/** The paths of the endpoints, below the optional route prefix: upstream's three, then logout. */
export const TOKEN_ROUTES = [
  'api-token-auth',
  'api-token-refresh',
  'api-token-verify',
  'api-token-revoke',
  'api-token-revoke-all',
] as const;

/** Methods answered with 405 (HEAD follows GET on both adapters). */
export const REFUSED_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE'] as const;

export const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.';
/** Not in the reference (Django answers a plain 400 for bodies over its limits): see the README. */
export const BODY_TOO_LARGE_MESSAGE = 'Request body is too large.';

const CREDENTIAL_FIELDS = [
  { name: 'username', trimWhitespace: true },
  // Deliberately not trimmed (upstream trims): a password is compared exactly as sent.
  { name: 'password', trimWhitespace: false },
] as const satisfies readonly CharFieldSpec[];
const TOKEN_FIELDS = [{ name: 'token', trimWhitespace: true }] as const satisfies readonly CharFieldSpec[];

type Reply = { header(name: string, value: string): unknown };
type EndpointRequest = AnyRequest &
  Parameters<typeof readRequestBody>[0] &
  Parameters<typeof readCredentials>[0] & { method: string; url: string };

/**
 * Builds the controller for one module: its path is the route prefix, which is only known
 * when `forRoot`/`forRootAsync` is called. Upstream's three views, one handler each.
 */
export function createTokenController(routePrefix: string): Type<unknown> {
  @Public()
  @Controller(routePrefix)
  class TokenController {
    constructor(
      @Inject(JWT_AUTH_SETTINGS) readonly settings: JwtAuthSettings,
      readonly tokens: JwtAuthService,
      readonly loginThrottle: LoginThrottle,
      readonly guard: JwtAuthGuard,
      readonly events: JwtAuthEventDispatcher,
    ) {}

    /** POST /api-token-auth/: username and password for a token. */
    @Post(TOKEN_ROUTES[0])
    @HttpCode(HttpStatus.OK)
    async obtain(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
      this.refuseWhenVerifyOnly(request);
      const { username, password } = await this.readFields(request, reply, CREDENTIAL_FIELDS);
      try {
        await this.loginThrottle.check(username, request, reply);
      } catch (error) {
        if (error instanceof HttpException && error.getStatus() === HttpStatus.TOO_MANY_REQUESTS) {
          await this.loginFailed(request, username, 'throttled');
        }
        throw error;
      }
      const user = await this.tokens.authenticate(username, password);
      if (!user) {
        await this.loginFailed(request, username, 'bad_credentials');
        throw nonFieldException(this.settings.errorFormat, INVALID_CREDENTIALS);
      }
      const body = this.respond(this.tokens.issueToken(user), user, request, reply);
      // Only once the answer is ready: an event never tells of a login that then failed.
      await this.events.loginSucceeded(user, request);
      return body;
    }

    /** POST /api-token-refresh/: a new token for a valid one that carries `orig_iat`. */
    @Post(TOKEN_ROUTES[1])
    @HttpCode(HttpStatus.OK)
    async refresh(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
      this.refuseWhenVerifyOnly(request);
      const token = await this.readToken(request, reply);
      const issued = await this.refused(request, () => this.tokens.refreshToken(token));
      const body = this.respond(issued.token, issued.user, request, reply);
      await this.events.tokenRefreshed(issued.user, request);
      return body;
    }

    /** POST /api-token-verify/: the same token back when it and its user are valid. */
    @Post(TOKEN_ROUTES[2])
    @HttpCode(HttpStatus.OK)
    async verify(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
      const token = await this.readToken(request, reply);
      const verified = await this.refused(request, () => this.tokens.verifyToken(token));
      return this.respond(verified.token, verified.user, request, reply);
    }

    /**
     * POST /api-token-revoke/ (logout, not in the reference): the token in the body, else the
     * request's own (Authorization header or cookie), is refused from now on. An expired or
     * already revoked token answers 200 too.
     */
    @Post(TOKEN_ROUTES[3])
    @HttpCode(HttpStatus.OK)
    async revoke(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
      const token = await this.readToken(request, reply, true);
      // Claims only when this call revoked it: an expired or already revoked token gives no event.
      const revokedClaims = await this.refused(request, () => this.tokens.revokeToken(token));
      clearTokenCookies(this.settings, reply);
      if (revokedClaims !== undefined) await this.events.tokenRevoked(revokedClaims, request);
      return {};
    }

    /** POST /api-token-revoke-all/ (log out everywhere): every token of the authenticated user. */
    @Post(TOKEN_ROUTES[4])
    @HttpCode(HttpStatus.OK)
    async revokeAll(@Req() request: EndpointRequest, @Res({ passthrough: true }) reply: Reply): Promise<object> {
      setHeader(reply, 'Cache-Control', 'no-store');
      const user = await this.guard.authenticateRequest(request, reply);
      await this.refused(request, () => this.tokens.revokeAllForUser(user));
      clearTokenCookies(this.settings, reply);
      await this.events.allTokensRevoked(user, request);
      return {};
    }

    /** Any other method on the three paths (one handler a method: Nest keeps one per handler). */
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

    /** verifyOnly signs nothing: login and refresh answer as a route that does not exist. */
    private refuseWhenVerifyOnly(request: EndpointRequest): void {
      if (this.settings.verifyOnly) throw new NotFoundException(`Cannot ${request.method} ${request.url}`);
    }

    private methodNotAllowed(request: EndpointRequest, reply: Reply): never {
      // Upstream says "POST, OPTIONS"; OPTIONS is left to the app's CORS handling, so not listed.
      setHeader(reply, 'Allow', 'POST');
      throw detailException(
        this.settings.errorFormat,
        HttpStatus.METHOD_NOT_ALLOWED,
        `Method "${request.method}" not allowed.`,
      );
    }

    private async readFields<K extends string>(
      request: EndpointRequest,
      reply: Reply,
      fields: readonly (CharFieldSpec & { name: K })[],
    ): Promise<Record<K, string>> {
      return this.fieldsOf(await this.readBody(request, reply), fields);
    }

    /** Read once per request: a multipart body on Express is a stream that cannot be read twice. */
    private readBody(request: EndpointRequest, reply: Reply): Promise<ReadBody> {
      // Tokens must never be stored by a cache, whatever the outcome.
      setHeader(reply, 'Cache-Control', 'no-store');
      return readRequestBody(request);
    }

    private fieldsOf<K extends string>(
      body: ReadBody,
      fields: readonly (CharFieldSpec & { name: K })[],
    ): Record<K, string> {
      if (body.kind === 'too-large') {
        throw detailException(this.settings.errorFormat, HttpStatus.PAYLOAD_TOO_LARGE, BODY_TOO_LARGE_MESSAGE);
      }
      if (body.kind === 'unsupported') {
        throw detailException(
          this.settings.errorFormat,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          `Unsupported media type "${body.contentType}" in request.`,
        );
      }
      const result = validateCharFields(body.data, body.source, fields);
      if ('errors' in result) throw validationException(this.settings.errorFormat, result.errors);
      return result.values;
    }

    /**
     * The `token` field; in cookie mode a body without one uses the token cookie (a page cannot
     * read it), and `fromCredentials` (logout) also the Authorization header. A token taken
     * from the cookie is subject to the CSRF defence, as any cookie-authenticated request.
     */
    private async readToken(request: EndpointRequest, reply: Reply, fromCredentials = false): Promise<string> {
      const body = await this.readBody(request, reply);
      if (fromCredentials || this.settings.authCookie !== undefined) {
        const data = body.kind === 'data' ? body.data : undefined;
        const bodyHasToken = typeof data === 'object' && data !== null && Object.hasOwn(data, 'token');
        const credentials = readCredentials(request, this.settings);
        if (!bodyHasToken && credentials.kind === 'token' && (fromCredentials || credentials.fromCookie)) {
          this.guard.checkCsrf(request, reply, credentials.fromCookie);
          return credentials.token;
        }
      }
      return this.fieldsOf(body, TOKEN_FIELDS).token;
    }

    /** Logged (the reason only: never the password) and delivered to the hooks and listeners. */
    private async loginFailed(request: EndpointRequest, username: string, reason: LoginFailureReason): Promise<void> {
      logRefusal(request, reason === 'throttled' ? 'login throttled' : 'bad credentials');
      await this.events.loginFailed(username, reason, request);
    }

    private async refused<T>(request: EndpointRequest, action: () => Promise<T>): Promise<T> {
      try {
        return await action();
      } catch (error) {
        if (error instanceof TokenRejectedError) {
          logRefusal(request, error.reason);
          throw nonFieldException(this.settings.errorFormat, error.message);
        }
        if (error instanceof RevocationUnavailableError) {
          logRefusal(request, 'revocation store unavailable');
          throw detailException(this.settings.errorFormat, this.settings.revocationUnavailableStatus, error.message);
        }
        throw error;
      }
    }

    private respond(token: string, user: object, request: EndpointRequest, reply: Reply): object {
      setTokenCookies(this.settings, request, reply, token);
      const handler = this.settings.responsePayloadHandler;
      return handler ? handler(token, user, request) : { token };
    }
  }
  return TokenController;
}
