import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, JWT_AUTH_SETTINGS } from '../constants.js';
import { detailException, setHeader } from '../http/error-responses.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { GUARD_MESSAGES, TokenRejectedError } from '../tokens/token-error.js';
import { parseAuthorizationHeader } from './authorization-header.js';

export const NOT_PROVIDED = 'Authentication credentials were not provided.';

type HttpRequest = {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  raw?: { rawHeaders: string[] };
  user?: object;
};

/**
 * The Authorization value. Node keeps only the first of repeated Authorization headers; they
 * are joined here instead, as Node joins other repeated headers (`a, b`), so that a second
 * credential is refused rather than silently ignored.
 */
function authorizationOf(request: HttpRequest): string | string[] | undefined {
  const value = request.headers.authorization;
  if (value === undefined) return value;
  const rawHeaders = request.rawHeaders ?? request.raw?.rawHeaders ?? [];
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === 13 && rawHeaders[i].toLowerCase() === 'authorization') values.push(rawHeaders[i + 1]);
  }
  return values.length > 1 ? values.join(', ') : value;
}

/**
 * Protects routes with `Authorization: <prefix> <token>` (upstream's
 * JSONWebTokenAuthentication). Every refusal is a 401 with the reference's message and a
 * `WWW-Authenticate` header. Routes marked `@Public()` pass through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly challenge: string;

  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly reflector: Reflector,
    private readonly tokens: JwtAuthService,
  ) {
    this.challenge = `${settings.authHeaderPrefix} realm="api"`;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const header = parseAuthorizationHeader(authorizationOf(request), this.settings.authHeaderPrefix);
    if (header.kind === 'absent') throw this.refuse(context, NOT_PROVIDED);
    if (header.kind === 'invalid') throw this.refuse(context, header.message);
    try {
      request.user = await this.tokens.authenticateToken(header.token);
    } catch (error) {
      if (error instanceof TokenRejectedError) throw this.refuse(context, GUARD_MESSAGES[error.reason]);
      throw error;
    }
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  private refuse(context: ExecutionContext, message: string) {
    setHeader(context.switchToHttp().getResponse(), 'WWW-Authenticate', this.challenge);
    return detailException(this.settings.errorFormat, HttpStatus.UNAUTHORIZED, message);
  }
}
