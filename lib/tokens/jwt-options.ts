import { JwtSecretRequestType, type JwtModuleOptions, type JwtVerifyOptions } from '@nestjs/jwt';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';

/**
 * jsonwebtoken's verify options, built once from the settings and shared by the Passport
 * strategy and JwtAuthService so that both accept exactly the same tokens.
 */
export function verifyOptions(
  settings: JwtAuthSettings,
): JwtVerifyOptions & { algorithms: [JwtAuthSettings['algorithm']] } {
  return {
    algorithms: [settings.algorithm],
    audience: settings.audience,
    issuer: settings.issuer,
    ignoreExpiration: !settings.verifyExpiration,
    clockTolerance: settings.leeway,
  };
}

/** @nestjs/jwt's options: always the prebuilt KeyObjects, never a string secret. */
export function jwtModuleOptions(settings: JwtAuthSettings): JwtModuleOptions {
  return {
    secretOrKeyProvider: (requestType) =>
      requestType === JwtSecretRequestType.SIGN ? settings.signingKey : settings.verifyingKey,
    // The payload handler owns every claim, `iat` included (see JwtAuthService.sign).
    signOptions: { algorithm: settings.algorithm, noTimestamp: true },
    verifyOptions: verifyOptions(settings),
  };
}
