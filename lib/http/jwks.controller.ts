import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../guards/public.decorator.js';
import { JWT_AUTH_JWKS } from '../jwt-auth.internal-constants.js';
import type { Jwks } from '../keys/jwks.js';

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
