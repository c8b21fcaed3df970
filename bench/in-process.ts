// In-process cost of one verification and one signature, against the floor of what any HS256
// verifier must do: one HMAC-SHA256 over the same bytes, a constant-time compare, and
// JSON.parse of the payload.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { JwtAuthModule, JwtAuthService, UserLookupService } from '../lib/index.js';
import { JWT_AUTH_SETTINGS } from '../lib/jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../lib/settings/jwt-auth-settings.js';
import { TokenVerifier } from '../lib/tokens/token-verifier.js';

class NoUsers extends UserLookupService {
  async findByUsername() {
    return undefined;
  }
  async verifyPassword() {
    return false;
  }
}

function timePerCall(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(iterations, 5000); i++) fn(); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

export async function runInProcess(iterations = Number(process.env.BENCH_CALLS ?? 50_000)) {
  const secret = randomBytes(48).toString('base64url');
  @Module({
    providers: [{ provide: UserLookupService, useClass: NoUsers }],
    exports: [UserLookupService],
  })
  class Users {}
  const app = await NestFactory.createApplicationContext(
    JwtAuthModule.forRoot({
      secretKey: secret,
      imports: [Users],
      controller: false,
      expirationDelta: '1h',
      loginThrottle: false,
    }),
    { logger: false },
  );
  const tokens = app.get(JwtAuthService);
  const token = tokens.sign({
    user_id: 1,
    username: 'admin',
    exp: Math.floor(Date.now() / 1000) + 3600,
    iat: Math.floor(Date.now() / 1000),
  });
  const key = createSecretKey(Buffer.from(secret));
  const [header, payload, signature] = token.split('.');
  const signingInput = `${header}.${payload}`;
  const expected = Buffer.from(signature, 'base64url');
  const floor = () => {
    const mac = createHmac('sha256', key).update(signingInput).digest();
    if (!timingSafeEqual(mac, expected)) throw new Error('bad floor');
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  };
  const claims = { user_id: 1, username: 'admin', exp: Math.floor(Date.now() / 1000) + 3600 };
  // The module's own verifier (its cache warm after the first call), and one without a cache:
  // every call of that one parses and checks the signature again.
  const cached = app.get(TokenVerifier);
  const uncached = new TokenVerifier(app.get<JwtAuthSettings>(JWT_AUTH_SETTINGS), 0);
  const result = {
    iterations,
    floorMicros: timePerCall(iterations, floor),
    verifyUncachedMicros: timePerCall(iterations, () => uncached.verify(token)),
    verifyCachedMicros: timePerCall(iterations, () => cached.verify(token)),
    signMicros: timePerCall(iterations, () => tokens.sign(claims)),
    uncachedToFloor: 0,
  };
  result.uncachedToFloor = Math.round((result.verifyUncachedMicros / result.floorMicros) * 100) / 100;
  await app.close();
  return result;
}
