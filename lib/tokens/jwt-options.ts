import { JwtSecretRequestType, type JwtModuleOptions } from '@nestjs/jwt';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';

/**
 * @nestjs/jwt's options: it signs tokens (TokenVerifier verifies them), always with the
 * prebuilt KeyObject, never a string secret that jsonwebtoken would re-parse on every call.
 */
export function jwtModuleOptions(settings: JwtAuthSettings): JwtModuleOptions {
  return {
    secretOrKeyProvider: (requestType) =>
      requestType === JwtSecretRequestType.SIGN ? settings.signingKey : settings.verifyingKey,
    // The payload handler owns every claim, `iat` included (see JwtAuthService.sign).
    signOptions: { algorithm: settings.algorithm, noTimestamp: true },
  };
}
