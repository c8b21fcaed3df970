import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WsException } from '@nestjs/websockets';
import { NOT_PROVIDED } from '../auth/jwt-auth.guard.js';
import { isPublic } from '../auth/public.decorator.js';
import { JWT_AUTH_SETTINGS } from '../constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { GUARD_MESSAGES, RevocationUnavailableError, TokenRejectedError } from '../tokens/token-error.js';
import { type HandshakeSocket, socketCredentials } from './socket-credentials.js';

/**
 * Protects socket.io gateway handlers with the token the client sent in its handshake
 * (`Authorization: JWT <token>` or `auth: { token }`). The token is checked on every message,
 * as JwtAuthGuard checks every request, so a token that expires, is revoked or whose user is
 * deactivated stops working mid-connection. The user goes to `client.data.user`, where
 * `@CurrentUser()` finds it. A refusal is a WsException with the reference's message, which
 * Nest sends to the client as an `exception` event. Handlers marked `@Public()` pass through.
 */
@Injectable()
export class WsJwtAuthGuard implements CanActivate {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly reflector: Reflector,
    private readonly tokens: JwtAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'ws') {
      throw new Error('nest-rest-jwt: WsJwtAuthGuard guards gateways: use JwtAuthGuard for HTTP and GraphQL');
    }
    if (isPublic(this.reflector, context)) return true;
    const client = context.switchToWs().getClient<HandshakeSocket>();
    const user = await this.authenticate(client);
    if (client.data) client.data.user = user;
    return true;
  }

  private async authenticate(client: HandshakeSocket): Promise<object> {
    const credentials = socketCredentials(client, this.settings);
    if (credentials.kind === 'absent') throw refuse(client, NOT_PROVIDED);
    if (credentials.kind === 'invalid') throw refuse(client, credentials.message);
    try {
      return await this.tokens.authenticateToken(credentials.token);
    } catch (error) {
      if (error instanceof TokenRejectedError) throw refuse(client, GUARD_MESSAGES[error.reason]);
      if (error instanceof RevocationUnavailableError) throw refuse(client, RevocationUnavailableError.MESSAGE);
      throw error;
    }
  }
}

/** The user of an earlier message must not outlive a refusal. */
function refuse(client: HandshakeSocket, message: string): WsException {
  if (client.data) delete client.data.user;
  return new WsException(message);
}
