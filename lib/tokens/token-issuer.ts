import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { nowSeconds } from '../common/clock.js';
import type { JwtPayload } from '../common/jwt.js';
import { JWT_AUTH_JWT_SERVICE, JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import { signJws } from '../keys/jws-signer.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { UserLookupService } from '../users/user-lookup.service.js';

/** As for `secretKey` with HS256: shorter per-user secrets are refused when used. */
const MIN_USER_SECRET_BYTES = 32;

/**
 * Makes tokens: the claims for a user (upstream's `jwt_payload_handler`, then the app's
 * `payloadHandler`) and their signature, by @nestjs/jwt with the prebuilt key, or by our own
 * JWS signer where jsonwebtoken cannot (EdDSA, a user's own secret).
 */
@Injectable()
export class TokenIssuer<TUser extends object = object> {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    @Inject(JWT_AUTH_JWT_SERVICE) private readonly jwt: JwtService,
    private readonly users: UserLookupService<TUser>,
  ) {}

  /** The default claims for a user (upstream's `jwt_payload_handler`). */
  defaultPayload(user: TUser, now = nowSeconds()): JwtPayload {
    const { settings, users } = this;
    const payload: JwtPayload = {
      user_id: users.getUserId(user),
      username: users.getUsername(user),
      exp: now + settings.expirationDelta,
    };
    const email = users.getEmail(user);
    if (email !== undefined && email !== null) payload.email = email;
    if (settings.allowRefresh) payload.orig_iat = now;
    if (settings.audience !== undefined) payload.aud = settings.audience;
    if (settings.issuer !== undefined) payload.iss = settings.issuer;
    if (settings.includeIssuedAt) payload.iat = now;
    if (settings.includeTokenId) payload.jti = randomUUID();
    // Under rotation every token of a login carries the login's jti: its refresh chain.
    if (settings.rotateOnRefresh) payload.orig_jti = payload.jti;
    return payload;
  }

  /** The claims for a user, through the configured payload handler. */
  createPayload(user: TUser): JwtPayload {
    const defaults = this.defaultPayload(user);
    return this.settings.payloadHandler ? this.settings.payloadHandler(user, defaults) : defaults;
  }

  /** Signs claims; with `getUserSecretKey`, with the key of `user` (required then). */
  sign(payload: JwtPayload, user?: TUser): string {
    const { algorithm, signingKey, keyId, getUserSecretKey } = this.settings;
    if (signingKey === undefined) throw new Error('nest-rest-jwt: verifyOnly is set: this app signs no tokens');
    if (algorithm === 'EdDSA') return signJws(payload, algorithm, signingKey, keyId);
    // jsonwebtoken deletes `iat` under noTimestamp, and invents one without it: the payload decides.
    const noTimestamp = payload.iat === undefined;
    const options = keyId === undefined ? { noTimestamp } : { noTimestamp, keyid: keyId };
    if (getUserSecretKey === undefined) return this.jwt.sign(payload, options);
    if (user === undefined)
      throw new Error('nest-rest-jwt: getUserSecretKey is set: sign(payload, user) needs the user');
    return signJws(payload, algorithm, this.userSecret(user), keyId);
  }

  /** A new token for a user who is already authenticated. */
  issueToken(user: TUser): string {
    return this.sign(this.createPayload(user), user);
  }

  /** JWT_GET_USER_SECRET_KEY: the user's own HMAC key, checked as `secretKey` is. */
  userSecret(user: TUser): KeyObject {
    const secret = this.settings.getUserSecretKey?.(user);
    const key =
      secret instanceof KeyObject
        ? secret
        : createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : (secret ?? Buffer.alloc(0)));
    if (key.type !== 'secret' || (key.symmetricKeySize ?? 0) < MIN_USER_SECRET_BYTES) {
      throw new Error(
        `nest-rest-jwt: getUserSecretKey returned a key shorter than ${MIN_USER_SECRET_BYTES} bytes (or not a secret key)`,
      );
    }
    return key;
  }
}
