import { Inject, Injectable } from '@nestjs/common';
import { stringClaim } from '../common/claims.js';
import { TokenReuseDetectedError } from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { RevocationState } from '../revocation/revocation-store.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { TokenRevocation } from './token-revocation.js';

/**
 * Refresh rotation, for any token protocol: a refreshed token is replaced by its successor, and
 * a replaced token presented again is a reuse that revokes its whole chain (RFC 9700, section
 * 4.14.2), except within the grace period (`rotationGracePeriod`): two tabs refreshing one token
 * at once, or a retry after a lost answer, get the same successor. The store keeps the
 * successor's claims for the grace period, never a signed token (claims are no credential).
 */
@Injectable()
export class RefreshRotation {
  constructor(
    @Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings,
    private readonly revocation: TokenRevocation,
  ) {}

  /**
   * Before anything else is checked: a token already replaced is a reuse unless a grace period
   * may still cover it (then `replace` decides, atomically). Throws TokenRejectedError 'revoked'.
   */
  async refuseReplaced(
    presented: Readonly<JwtPayload>,
    state: RevocationState,
    subject: string,
    graceSeconds = this.settings.rotationGracePeriod,
  ): Promise<void> {
    if (state.token === 'replaced' && graceSeconds <= 0) await this.reuseDetected(presented, subject);
  }

  /**
   * Replaces `presented` by `successor`. Resolves to the claims to sign: `successor`, or for a
   * token another refresh replaced within the grace period the claims that refresh signed (the
   * same token again, same `jti`). After the grace period it is a reuse: the chain is revoked
   * and the refresh refused ('revoked').
   */
  async replace(
    presented: Readonly<JwtPayload>,
    successor: JwtPayload,
    subject: string,
    graceSeconds = this.settings.rotationGracePeriod,
  ): Promise<JwtPayload> {
    if (graceSeconds <= 0) {
      // Of two concurrent refreshes of one token, one wins; the other is a reuse.
      if (!(await this.revocation.replace(presented, subject))) await this.reuseDetected(presented, subject);
      return successor;
    }
    const answer = await this.revocation.replaceWithGrace(presented, JSON.stringify(successor), graceSeconds, subject);
    if (answer.first) return successor;
    const kept = answer.successor === undefined ? undefined : successorOf(answer.successor, presented);
    return kept ?? this.reuseDetected(presented, subject);
  }

  /**
   * A replaced token presented again: someone holds a copy. The whole chain is revoked, and the
   * refusal (a 'revoked' rejection) carries the chain for the audit event.
   */
  async reuseDetected(presented: Readonly<JwtPayload>, subject: string): Promise<never> {
    await this.revocation.revokeChain(presented, subject);
    const family = stringClaim(presented.orig_jti) ?? stringClaim(presented.jti) ?? '';
    throw new TokenReuseDetectedError(family, subject, presented);
  }
}

/**
 * The kept successor, only if it looks like one: claims of the same subject and chain (anything
 * else found in the store is treated as no successor: a reuse).
 */
function successorOf(text: string, presented: Readonly<JwtPayload>): JwtPayload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const claims = parsed as JwtPayload;
  const chain = stringClaim(presented.orig_jti);
  const sameChain = chain === undefined || stringClaim(claims.orig_jti) === chain;
  return sameChain && claims.username === presented.username ? claims : undefined;
}
