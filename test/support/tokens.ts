import { createHmac } from 'node:crypto';
import { SECRET } from './apps.js';

/** Base64url of raw bytes or of a JSON value. */
export function b64url(value: unknown): string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return bytes.toString('base64url');
}

/**
 * Signs a token independently of the library (plain node:crypto HMAC), so tests can build any
 * header and payload, valid or hostile. `payload` may be any JSON value or a raw string.
 */
export function signHs(
  payload: unknown,
  { secret = SECRET, alg = 'HS256', header }: { secret?: string; alg?: string; header?: object } = {},
): string {
  const head = b64url(header ?? { alg, typ: 'JWT' });
  const body = typeof payload === 'string' ? b64url(payload) : b64url(payload);
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  const signature = createHmac(hash, secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** The claims the module issues for the test user `admin`, valid for five minutes. */
export function adminClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { user_id: 1, username: 'admin', exp: now() + 300, email: 'admin@example.com', ...extra };
}

/** Decodes a token's payload without checking anything. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}
