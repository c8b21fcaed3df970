import { describe, expect, it } from '@jest/globals';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const settingsOf = (options: Record<string, unknown>) =>
  resolveSettings({ secretKey: SECRET, ...options } as JwtAuthModuleOptions);

function errorOf(options: Record<string, unknown>): JwtAuthConfigError {
  try {
    settingsOf(options);
  } catch (error) {
    if (error instanceof JwtAuthConfigError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('rpc and connectionParamsKey settings', () => {
  it('default: the authorization payload field and metadata key; the Authorization connection param', () => {
    const settings = settingsOf({});
    expect(settings.rpc).toEqual({ payloadField: 'authorization', metadataKey: 'authorization' });
    expect(settings.connectionParamsKey).toBe('Authorization');
  });

  it('takes other names, and false for a place not to read', () => {
    const settings = settingsOf({
      rpc: { payloadField: 'token', metadataKey: false },
      connectionParamsKey: 'authToken',
    });
    expect(settings.rpc).toEqual({ payloadField: 'token', metadataKey: false });
    expect(settings.connectionParamsKey).toBe('authToken');
  });

  it.each([
    [{ rpc: 'token' }, 'option "rpc" must be an object such as { payloadField: "authorization" }'],
    [{ rpc: { payloadField: '' } }, 'option "rpc.payloadField" must be a field name or false (got "")'],
    [{ rpc: { metadataKey: 7 } }, 'option "rpc.metadataKey" must be a field name or false (got 7)'],
    [{ rpc: { metadataKey: ' auth' } }, 'option "rpc.metadataKey" must be a field name or false (got " auth")'],
    [
      { rpc: { payloadField: false, metadataKey: false } },
      'option "rpc" reads no token when both payloadField and metadataKey are false',
    ],
    [{ connectionParamsKey: false }, 'option "connectionParamsKey" must be a non-empty string'],
    [{ connectionParamsKey: '' }, 'option "connectionParamsKey" must be a field name or false (got "")'],
  ])('refuses %j', (options, message) => {
    expect(errorOf(options).message).toBe(`nest-rest-jwt: ${message}`);
  });

  it('an unknown name inside rpc is refused with the nearest one', () => {
    expect(errorOf({ rpc: { payloadFeild: 'x' } }).message).toContain('payloadField');
  });
});
