import { Inject, Injectable } from '@nestjs/common';
import { isFalsyInPython, isFiniteNumber, refreshExpired } from '../common/claims.js';
import { nowSeconds } from '../common/clock.js';
import { TokenRejectedError } from '../common/errors.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { RefreshRotation } from './refresh-rotation.js';
import { TokenAuthentication } from './token-authentication.js';
import { TokenRevocation } from './token-revocation.js';

/**
 * Upstream's RefreshJSONWebTokenSerializer, and rotation: verify (so an expired token cannot be
 * refreshed), check `orig_iat` against the refresh window (inclusive), then a new token that
 * keeps `orig_iat`. Under `rotateOnRefresh` the old token is replaced (RefreshRotation: reuse
 * detection, and the grace period).
 */
@Injectable()
export class RefreshFlow<TUser extends object = object> {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly authentication: TokenAuthentication<TUser>,
    private readonly issuer: TokenIssuer<TUser>,
    private readonly revocation: TokenRevocation,
    private readonly rotation: RefreshRotation,
  ) {}

  async refresh(token: string): Promise<{ token: string; user: TUser }> {
    const verified = await this.authentication.verify(token);
    const { payload } = verified;
    const subject = this.authentication.usernameIn(payload);
    const state = await this.revocation.lookup(payload, subject);
    const rotate = this.settings.rotateOnRefresh;
    if (rotate) await this.rotation.refuseReplaced(payload, state, subject);
    if (this.revocation.isRevoked(payload, state) || (state.token === 'replaced' && !rotate)) {
      throw new TokenRejectedError('revoked');
    }
    const user = await this.authentication.userOf(verified);
    const origIat = payload.orig_iat;
    if (isFalsyInPython(origIat)) throw new TokenRejectedError('refresh_required');
    if (!isFiniteNumber(origIat)) throw new TokenRejectedError('invalid');
    if (refreshExpired(origIat, this.settings.refreshExpirationDelta, nowSeconds())) {
      throw new TokenRejectedError('refresh_expired');
    }
    const next = this.issuer.createPayload(user);
    next.orig_iat = origIat;
    if (!rotate) return { token: this.issuer.sign(next, user), user };
    next.orig_jti = typeof payload.orig_jti === 'string' ? payload.orig_jti : payload.jti;
    return { token: this.issuer.sign(await this.rotation.replace(payload, next, subject), user), user };
  }
}
