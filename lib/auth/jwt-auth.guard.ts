import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  ForbiddenException,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JWT_AUTH_SETTINGS } from '../constants.js';
import { isPublic } from './public.decorator.js';
import { detailException, setHeader } from '../http/error-responses.js';
import { logRefusal } from '../logging/refusal-log.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { GUARD_MESSAGES, RevocationUnavailableError, TokenRejectedError } from '../tokens/token-error.js';
import type { TokenUser } from '../users/token-user.js';
import { type CredentialsRequest, readCredentials } from './credentials.js';
import { csrfFailure } from './csrf.js';
import { requestOf, responseOf } from './execution-context.js';

export const NOT_PROVIDED = 'Authentication credentials were not provided.';

type HttpRequest = CredentialsRequest & { method?: string; user?: object };

/**
 * Protects routes with `Authorization: <prefix> <token>` (upstream's
 * JSONWebTokenAuthentication), or the token cookie in cookie mode. Every refusal is a 401 with
 * the reference's message and a `WWW-Authenticate` header (a CSRF failure is a 403, a store
 * outage a 503 unless configured as 401). Routes marked `@Public()` pass through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly challenge: string;
  private socketGuardLoading?: ReturnType<JwtAuthGuard['socketGuard']>;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly reflector: Reflector,
    private readonly tokens: JwtAuthService,
  ) {
    this.challenge = `${settings.authHeaderPrefix} realm="api"`;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context)) return true;
    // A global guard also runs on gateway messages: those are authenticated as WsJwtAuthGuard does.
    if (context.getType<string>() === 'ws') return (await this.socketGuard()).canActivate(context);
    const request = requestOf(context);
    request.user = await this.authenticateRequest(request, responseOf(context));
    return true;
  }

  /** The user a request authenticates as, or the refusal the guard would answer with. */
  async authenticateRequest(request: HttpRequest, response: unknown): Promise<object> {
    const credentials = readCredentials(request, this.settings);
    if (credentials.kind === 'absent') {
      logRefusal(request, 'no credentials');
      throw this.refuse(response, NOT_PROVIDED);
    }
    if (credentials.kind === 'invalid') {
      logRefusal(request, credentials.message);
      throw this.refuse(response, credentials.message);
    }
    let user: object | TokenUser;
    try {
      user = await this.tokens.authenticateToken(credentials.token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        logRefusal(request, error.reason);
        throw this.refuse(response, GUARD_MESSAGES[error.reason]);
      }
      if (error instanceof RevocationUnavailableError) {
        logRefusal(request, 'revocation store unavailable');
        throw this.unavailable(response);
      }
      throw error;
    }
    // As DRF's SessionAuthentication: the user first, then CSRF for what a browser sent by itself.
    this.checkCsrf(request, response, credentials.fromCookie);
    return user;
  }

  /** Refuses (403) an unsafe request authenticated by the token cookie without the CSRF header. */
  checkCsrf(request: HttpRequest, response: unknown, fromCookie: boolean): void {
    if (!fromCookie || this.settings.csrf === undefined) return;
    const failure = csrfFailure(request, this.settings.csrf);
    if (failure === undefined) return;
    logRefusal(request, failure);
    throw response === undefined
      ? new ForbiddenException(failure)
      : detailException(this.settings.errorFormat, HttpStatus.FORBIDDEN, failure);
  }

  /** Loaded on the first gateway message only: @nestjs/websockets is an optional peer. */
  private socketGuard(): Promise<{ canActivate(context: ExecutionContext): Promise<boolean> }> {
    this.socketGuardLoading ??= import('../websockets/ws-jwt-auth.guard.js').then(
      ({ WsJwtAuthGuard }) => new WsJwtAuthGuard(this.settings, this.reflector, this.tokens),
    );
    return this.socketGuardLoading;
  }

  private refuse(response: unknown, message: string) {
    // No response: GraphQL, whose integrations turn Nest's own 401 into an UNAUTHENTICATED error.
    if (response === undefined) return new UnauthorizedException(message);
    setHeader(response, 'WWW-Authenticate', this.challenge);
    return detailException(this.settings.errorFormat, HttpStatus.UNAUTHORIZED, message);
  }

  private unavailable(response: unknown) {
    const message = RevocationUnavailableError.MESSAGE;
    if (this.settings.revocationUnavailableStatus === 401) return this.refuse(response, message);
    if (response === undefined) return new ServiceUnavailableException(message);
    return detailException(this.settings.errorFormat, HttpStatus.SERVICE_UNAVAILABLE, message);
  }
}
