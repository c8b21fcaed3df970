/**
 * simplejwt tokens made with the key both apps share, independently of either app (node:crypto
 * only): expired ones without waiting, and the odd ones (no id, no type, no user) that neither
 * app would issue.
 */
import { createHmac, type KeyObject, randomUUID, sign } from 'node:crypto';

export type SharedKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; privateKey: KeyObject };

export type Claims = Record<string, unknown>;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWS of `claims` signed with the shared key, with simplejwt's header. */
export function mint(claims: Claims, key: SharedKey): string {
  const signingInput = `${b64url({ alg: key.alg, typ: 'JWT' })}.${b64url(claims)}`;
  const signature =
    key.alg === 'HS256'
      ? createHmac('sha256', key.secret).update(signingInput).digest()
      : sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A jti as simplejwt writes it: uuid4().hex. */
export const jti = (): string => randomUUID().replaceAll('-', '');

export type TokenType = 'access' | 'refresh' | 'sliding';

const LIFETIMES: Record<TokenType, number> = { access: 300, refresh: 86_400, sliding: 300 };

/**
 * The claims simplejwt gives a token of `type` for `userId`, issued `issuedAgo` seconds ago with
 * its default lifetime (so `issuedAgo` past the lifetime makes an expired token); sliding
 * tokens get `refresh_exp` one day after `iat`. `extra` adds claims; a claim set to undefined
 * in it is left out.
 */
export function claimsOf(type: TokenType, userId: number | string, issuedAgo = 0, extra: Claims = {}): Claims {
  const iat = nowSeconds() - issuedAgo;
  const claims: Claims = {
    token_type: type,
    exp: iat + LIFETIMES[type],
    iat,
    jti: jti(),
    user_id: userId,
    ...(type === 'sliding' ? { refresh_exp: iat + 86_400 } : {}),
    ...extra,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/** Decodes a token's claims without checking anything. */
export function claimsIn(token: string): Claims {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Claims;
}
