import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { KeyObject } from 'node:crypto';
import * as entry from '../../lib/index.js';
import { JWT_AUTH_CONFIG, type JwtAuthConfig, JwtAuthModule } from '../../lib/index.js';
import { SECRET, UsersModule } from '../support/apps.js';

async function configOf(options: Partial<entry.JwtAuthModuleOptions> = {}): Promise<JwtAuthConfig> {
  const moduleRef = await Test.createTestingModule({
    imports: [JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], controller: false, ...options })],
  }).compile();
  try {
    return moduleRef.get<symbol, JwtAuthConfig>(JWT_AUTH_CONFIG, { strict: false });
  } finally {
    await moduleRef.close();
  }
}

/** Every value reachable from an object, depth first. */
function valuesIn(value: unknown, seen = new Set<unknown>()): unknown[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [value];
  seen.add(value);
  return [value, ...Object.values(value).flatMap((inner) => valuesIn(inner, seen))];
}

describe('JWT_AUTH_CONFIG: the settings an app may read', () => {
  it('gives the resolved names and lifetimes, with the defaults applied', async () => {
    expect(await configOf({ expirationDelta: '10m' })).toEqual({
      algorithm: 'HS256',
      verifyOnly: false,
      keyId: undefined,
      authHeaderPrefix: 'JWT',
      errorFormat: 'nest',
      expirationDelta: 600,
      refreshExpirationDelta: 604800,
      allowRefresh: false,
      rotateOnRefresh: false,
      stateless: false,
      authCookie: undefined,
      csrf: undefined,
    });
  });

  it('in cookie mode, the cookie and CSRF names (the header lower-cased, as Node gives it)', async () => {
    const config = await configOf({ authCookie: { name: 'jwt', secure: false } });
    expect(config.authCookie).toEqual({ name: 'jwt', secure: false, sameSite: 'lax', path: '/', domain: undefined });
    expect(config.csrf).toEqual({ cookieName: 'csrftoken', headerName: 'x-csrftoken', trustedOrigins: [] });
  });

  it('holds no key and cannot be changed', async () => {
    const config = await configOf({ authCookie: 'jwt' });
    expect(valuesIn(config).some((value) => value instanceof KeyObject || value === SECRET)).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.authCookie)).toBe(true);
    expect(() => ((config as { expirationDelta: number }).expirationDelta = 1)).toThrow(TypeError);
  });

  it('the main entry exports no token of the resolved settings (they hold the signing key)', () => {
    expect(Object.keys(entry)).not.toContain('JWT_AUTH_SETTINGS');
  });
});
