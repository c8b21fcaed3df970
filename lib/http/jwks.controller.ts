import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { JsonWebKey } from 'node:crypto';
import { Public } from '../auth/public.decorator.js';
import { JwtAuthConfigError, type JwtAuthSettings } from '../settings/jwt-auth-settings.js';

/** A JSON Web Key Set (RFC 7517, section 5). */
export interface Jwks {
  keys: (JsonWebKey & { kid?: string; alg: string; use: 'sig' })[];
}

/** Internal token: the key set, built once at start-up. */
export const JWT_AUTH_JWKS = Symbol('nest-rest-jwt:jwks');

/**
 * The public keys that verify this app's tokens, for other services: the signing key's public
 * half and every asymmetric verify key, with `kid`, `alg` and `use`. HMAC secrets and private
 * parts are never listed (a KeyObject of type "public" exports no private member).
 */
export function buildJwks(settings: JwtAuthSettings): Jwks {
  const keys: Jwks['keys'] = [];
  const add = (key: JwtAuthSettings['verifyingKey'], alg: string, kid?: string) => {
    if (key?.type !== 'public') return;
    keys.push({ ...key.export({ format: 'jwk' }), ...(kid === undefined ? {} : { kid }), alg, use: 'sig' });
  };
  if (settings.keyId === undefined) add(settings.verifyingKey, settings.algorithm);
  for (const [kid, { algorithm, key }] of settings.keys) add(key, algorithm, kid);
  if (keys.length === 0) {
    throw new JwtAuthConfigError('jwks', 'needs a public key to publish: configure an RS, PS, ES or EdDSA key');
  }
  return { keys };
}

@Public()
@Controller()
export class JwksController {
  constructor(@Inject(JWT_AUTH_JWKS) private readonly jwks: Jwks) {}

  /** GET /.well-known/jwks.json (opt-in with `jwks: true`). */
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  get(): Jwks {
    return this.jwks;
  }
}
