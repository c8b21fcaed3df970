import { JwtSecretRequestType, type JwtModuleOptions } from '@nestjs/jwt';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';

/**
 * @nestjs/jwt's options: it signs tokens (TokenVerifier verifies them), always with the
 * prebuilt KeyObject, never a string secret that jsonwebtoken would re-parse on every call.
 */
export function jwtModuleOptions(settings: JwtAuthSettings): JwtModuleOptions {
  const { algorithm } = settings;
  return {
    secretOrKeyProvider: (requestType) => {
      const key = requestType === JwtSecretRequestType.SIGN ? settings.signingKey : settings.verifyingKey;
      if (key === undefined) throw new Error('nest-rest-jwt: verifyOnly is set: this app signs no tokens');
      return key;
    },
    // The payload handler owns every claim, `iat` included (see JwtAuthService.sign).
    // jsonwebtoken 9 has no EdDSA: JwtAuthService.sign signs those tokens itself (eddsa-signer.ts).
    signOptions: algorithm === 'EdDSA' ? { noTimestamp: true } : { algorithm, noTimestamp: true },
  };
}
