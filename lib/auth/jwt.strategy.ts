import { PassportStrategy } from '@nestjs/passport';
import { type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { RAW_TOKEN } from '../constants.js';
import type { JwtPayload } from '../settings/jwt-auth-options.interface.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { JwtAuthService } from '../tokens/jwt-auth.service.js';
import { checkClaims, checkTokenShape } from '../tokens/token-checks.js';
import { verifyOptions } from '../tokens/jwt-options.js';

/** Internal token of the Passport strategy instance (constructing it registers it with Passport). */
export const JWT_AUTH_STRATEGY = Symbol('nest-rest-jwt:strategy');

type RequestWithToken = { [RAW_TOKEN]?: string };

/**
 * The passport-jwt strategy, registered under the configured name. The guard has already read
 * the Authorization header (passport-jwt's extractor accepts `JWT <token> junk`), so the
 * extractor only picks up what the guard found. Built from a factory because the strategy name
 * is only known once the options are.
 */
export function createJwtStrategy(settings: JwtAuthSettings, tokens: JwtAuthService): object {
  const options = verifyOptions(settings);
  // Runs before the signature check: PyJWT's order of checks, then the prebuilt key
  // (passport-jwt's types say string or Buffer; jsonwebtoken takes a KeyObject).
  const secretOrKeyProvider: SecretOrKeyProvider = (_request, rawToken, done) => {
    try {
      checkTokenShape(rawToken, settings);
      done(null, settings.verifyingKey as unknown as Buffer);
    } catch (error) {
      done(error);
    }
  };
  class JwtStrategy extends PassportStrategy(Strategy, settings.strategyName) {
    constructor() {
      super({
        jwtFromRequest: (request: RequestWithToken) => request[RAW_TOKEN] ?? null,
        secretOrKeyProvider,
        algorithms: options.algorithms,
        audience: settings.audience,
        issuer: settings.issuer,
        ignoreExpiration: options.ignoreExpiration,
        jsonWebTokenOptions: { clockTolerance: options.clockTolerance },
      });
    }

    async validate(payload: JwtPayload): Promise<object> {
      checkClaims(payload, settings);
      return tokens.userFromPayload(payload);
    }
  }
  return new JwtStrategy();
}
