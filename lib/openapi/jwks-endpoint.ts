import { HttpStatus } from '@nestjs/common';
import type { SchemaObject } from './openapi-objects.js';
import type { OperationDoc } from './token-endpoints.js';

/** One public key as RFC 7517 writes it; which members appear depends on `kty`. */
const JWK: SchemaObject = {
  type: 'object',
  required: ['kty', 'alg', 'use'],
  properties: {
    kty: { type: 'string', enum: ['RSA', 'EC', 'OKP'] },
    kid: { type: 'string' },
    alg: { type: 'string' },
    use: { type: 'string', enum: ['sig'] },
    n: { type: 'string', description: 'RSA modulus (base64url).' },
    e: { type: 'string', description: 'RSA exponent (base64url).' },
    crv: { type: 'string', description: 'Curve (EC, OKP).' },
    x: { type: 'string' },
    y: { type: 'string' },
  },
};

/** GET /.well-known/jwks.json (JwksController's `get`). */
export const JWKS_DOC: OperationDoc = {
  summary: 'Public keys (JWKS)',
  description: 'The public keys that verify this app’s tokens, for other services. Never holds a secret.',
  responses: {
    [HttpStatus.OK]: {
      description: 'A JSON Web Key Set.',
      headers: {
        'Cache-Control': { description: '`public, max-age=300`.', schema: { type: 'string' } },
      },
      content: {
        'application/json': {
          schema: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: JWK } } },
        },
      },
    },
  },
  security: [],
};
