import { ForbiddenException, ServiceUnavailableException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { RevocationUnavailableError, TokenRejectedError } from '../tokens/token-error.js';
import { type CredentialsRequest, readCredentials } from './credentials.js';
import { csrfFailure } from './csrf.js';

/** Internal token of the Passport strategy instance (constructing it registers it with Passport). */
export const JWT_AUTH_STRATEGY = Symbol('nest-rest-jwt:strategy');

type StrategyRequest = CredentialsRequest & { method?: string };

/**
 * The Passport strategy, a passport-jwt Strategy registered under the configured name, so that
 * `AuthGuard(name)` works as in the official recipe. Verification is JwtAuthService's rather than
 * jsonwebtoken's: the reference's order of checks, revocation, and cached verified tokens; the
 * header is read strictly (passport-jwt's extractor accepts `JWT <token> junk`). JwtAuthGuard
 * makes the same checks without the Passport round trip, which would double the cost of a
 * guarded request.
 */
export function createJwtStrategy(settings: JwtAuthSettings, tokens: JwtAuthService): object {
  const tokenOf = (request: StrategyRequest): string | null => {
    const credentials = readCredentials(request, settings);
    return credentials.kind === 'token' ? credentials.token : null;
  };
  class JwtStrategy extends PassportStrategy(Strategy, settings.strategyName) {
    constructor() {
      // passport-jwt's own checks are not used (see authenticate), but its options are required.
      super({ jwtFromRequest: tokenOf, secretOrKeyProvider: (_request, _token, done) => done(null, undefined) });
    }

    override authenticate(request: StrategyRequest): void {
      const credentials = readCredentials(request, settings);
      tokens.authenticateToken(credentials.kind === 'token' ? credentials.token : '').then(
        (user) => {
          const csrf = credentials.kind === 'token' && credentials.fromCookie && settings.csrf;
          const failure = csrf ? csrfFailure(request, csrf) : undefined;
          if (failure === undefined) this.success(user);
          else this.error(new ForbiddenException(failure));
        },
        (error: unknown) => {
          if (error instanceof TokenRejectedError) this.fail(error, 401);
          else if (error instanceof RevocationUnavailableError)
            this.error(new ServiceUnavailableException(error.message));
          else this.error(error as Error);
        },
      );
    }

    /** PassportStrategy requires it; never called, since authenticate above does the work. */
    validate(): never {
      throw new Error('nest-rest-jwt: JwtStrategy.validate is not used');
    }
  }
  return new JwtStrategy();
}
