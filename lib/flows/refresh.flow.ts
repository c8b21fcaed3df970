import { Inject, Injectable } from '@nestjs/common';
import { isFalsyInPython, isFiniteNumber, refreshExpired } from '../common/claims.js';
import { nowSeconds } from '../common/clock.js';
import { TokenRejectedError } from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { TokenAuthentication } from './token-authentication.js';
import { TokenRevocation } from './token-revocation.js';

/**
 * Upstream's RefreshJSONWebTokenSerializer, and rotation: verify (so an expired token cannot be
 * refreshed), check `orig_iat` against the refresh window (inclusive), then a new token that
 * keeps `orig_iat`. Under `rotateOnRefresh` the old token is replaced, and a replaced token
 * presented again revokes its whole chain (RFC 9700, section 4.14.2).
 */
@Injectable()
export class RefreshFlow<TUser extends object = object> {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly authentication: TokenAuthentication<TUser>,
    private readonly issuer: TokenIssuer<TUser>,
    private readonly revocation: TokenRevocation,
  ) {}

  async refresh(token: string): Promise<{ token: string; user: TUser }> {
    const verified = await this.authentication.verify(token);
    const { payload } = verified;
    const subject = this.authentication.usernameIn(payload);
    const state = await this.revocation.lookup(payload, subject);
    const rotate = this.settings.rotateOnRefresh;
    if (state.token === 'replaced' && rotate) await this.reuseDetected(payload, subject);
    if (state.token !== undefined || this.revocation.isRevoked(payload, state)) {
      throw new TokenRejectedError('revoked');
    }
    const user = await this.authentication.userOf(verified);
    const origIat = payload.orig_iat;
    if (isFalsyInPython(origIat)) throw new TokenRejectedError('refresh_required');
    if (!isFiniteNumber(origIat)) throw new TokenRejectedError('invalid');
    if (refreshExpired(origIat, this.settings.refreshExpirationDelta, nowSeconds())) {
      throw new TokenRejectedError('refresh_expired');
    }
    // Of two concurrent refreshes of one token, one wins; the other is a reuse.
    if (rotate && !(await this.revocation.replace(payload, subject))) await this.reuseDetected(payload, subject);
    const next = this.issuer.createPayload(user);
    next.orig_iat = origIat;
    if (rotate) next.orig_jti = typeof payload.orig_jti === 'string' ? payload.orig_jti : payload.jti;
    return { token: this.issuer.sign(next, user), user };
  }

  /** A replaced token presented again: someone holds a copy. The whole chain is revoked. */
  private async reuseDetected(payload: Readonly<JwtPayload>, subject: string): Promise<never> {
    await this.revocation.revokeChain(payload, subject);
    throw new TokenRejectedError('revoked');
  }
}
