import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { TokenRejectedError } from '../common/errors.js';
import { type Refusal, refusalOf } from '../common/refusal.js';
import { renderNestException } from '../refusals/http-refusal.js';
import type { TokenAuthentication } from '../flows/token-authentication.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { type CredentialsRequest, readCredentials } from './credentials.js';
import { csrfRefusal } from './csrf.js';

type StrategyRequest = CredentialsRequest & { method?: string };

/**
 * The Passport strategy, a passport-jwt Strategy registered under the configured name, so that
 * `AuthGuard(name)` works as in the official recipe. Verification is the module's rather than
 * jsonwebtoken's: the reference's order of checks, revocation, and cached verified tokens; the
 * header is read strictly (passport-jwt's extractor accepts `JWT <token> junk`). JwtAuthGuard
 * makes the same checks without the Passport round trip, which would double the cost of a
 * guarded request.
 */
export function createJwtStrategy(settings: JwtAuthSettings, authentication: TokenAuthentication): object {
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
      // The Passport renderer: a rejected token is Passport's failure (AuthGuard's 401, the
      // error as its challenge); any other refusal an error with its status.
      const refuse = (refusal: Refusal) => this.error(renderNestException(refusal));
      authentication.authenticate(credentials.kind === 'token' ? credentials.token : '').then(
        (user) => {
          const fromCookie = credentials.kind === 'token' && credentials.fromCookie;
          const csrf = fromCookie && settings.csrf ? csrfRefusal(request, settings.csrf) : undefined;
          if (csrf === undefined) this.success(user);
          else refuse(csrf);
        },
        (error: unknown) => {
          if (error instanceof TokenRejectedError) return this.fail(error, 401);
          const refusal = refusalOf(error, 'endpoint', 503);
          if (refusal === undefined) this.error(error as Error);
          else refuse(refusal);
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
