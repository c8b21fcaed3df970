import { type ExecutionContext, Injectable } from '@nestjs/common';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';

/**
 * Protects socket.io gateway handlers with the token the client sent in its handshake
 * (`Authorization: JWT <token>` or `auth: { token }`), exactly as a global JwtAuthGuard does:
 * checked on every message, the user at `client.data.user` (where `@CurrentUser()` finds it),
 * a refusal as a WsException with the reference's message, `@Public()` handlers open.
 */
@Injectable()
export class WsJwtAuthGuard extends JwtAuthGuard {
  override canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'ws') {
      throw new Error('nest-rest-jwt: WsJwtAuthGuard guards gateways: use JwtAuthGuard for HTTP and GraphQL');
    }
    return super.canActivate(context);
  }
}
