import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import type { JwtPayload } from '../settings/jwt-auth-options.interface.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { TokenRejectedError } from '../tokens/token-error.js';
import { parseAuthorizationHeader } from './authorization-header.js';

/** Internal token of the Passport strategy instance (constructing it registers it with Passport). */
export const JWT_AUTH_STRATEGY = Symbol('nest-rest-jwt:strategy');

type StrategyRequest = { headers?: { authorization?: string | string[] } };

/**
 * The Passport strategy, a passport-jwt Strategy registered under the configured name, so that
 * `AuthGuard(name)` works as in the official recipe. Verification is JwtAuthService's rather than
 * jsonwebtoken's: the reference's order of checks, and cached verified tokens; the header is read
 * strictly (passport-jwt's extractor accepts `JWT <token> junk`). JwtAuthGuard makes the same
 * checks without the Passport round trip, which would double the cost of a guarded request.
 */
export function createJwtStrategy(settings: JwtAuthSettings, tokens: JwtAuthService): object {
  const tokenOf = (request: StrategyRequest): string | null => {
    const header = parseAuthorizationHeader(request.headers?.authorization, settings.authHeaderPrefix);
    return header.kind === 'token' ? header.token : null;
  };
  class JwtStrategy extends PassportStrategy(Strategy, settings.strategyName) {
    constructor() {
      // passport-jwt's own checks are not used (see authenticate), but its options are required.
      super({ jwtFromRequest: tokenOf, secretOrKeyProvider: (_request, _token, done) => done(null, undefined) });
    }

    override authenticate(request: StrategyRequest): void {
      tokens
        .verifyPayload(tokenOf(request) as string)
        .then((payload) => this.validate(payload))
        .then(
          (user) => this.success(user),
          (error: unknown) =>
            error instanceof TokenRejectedError ? this.fail(error, 401) : this.error(error as Error),
        );
    }

    async validate(payload: JwtPayload): Promise<object> {
      return tokens.userFromPayload(payload);
    }
  }
  return new JwtStrategy();
}
