import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { isFiniteNumber, stringClaim } from '../common/claims.js';
import { nowSeconds } from '../common/clock.js';
import { isPromiseLike } from '../common/maybe-promise.js';
import { RevocationUnavailableError, TokenRejectedError } from '../common/errors.js';
import type { JwtPayload } from '../common/jwt.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import { MemoryRevocationStore } from '../revocation/memory-revocation-store.js';
import type {
  RevocationQuery,
  RevocationState,
  RevocationStore,
  TokenReplacement,
} from '../revocation/revocation-store.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';

const promiseThen = Promise.prototype.then;

/**
 * The module's side of revocation: what to ask the store about a token, how long each entry
 * must live, and failing closed (and saying so in the log, once per outage) when the store
 * cannot answer.
 */
@Injectable()
export class TokenRevocation implements OnApplicationShutdown {
  readonly store: RevocationStore;
  private readonly logger = new Logger('JwtAuthModule');
  private failing = false;

  constructor(@Inject(JWT_AUTH_SETTINGS) private readonly settings: JwtAuthSettings) {
    this.store = settings.revocationStore ?? new MemoryRevocationStore();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }

  /**
   * Refuses a revoked token (TokenRejectedError 'revoked'). Synchronous when the store answers
   * at once (in memory), so the guard's common path waits for nothing; else a promise.
   */
  check(payload: Readonly<JwtPayload>, subject: string): Promise<void> | undefined {
    let answer: RevocationState | Promise<RevocationState>;
    try {
      answer = this.store.lookup(this.queryFor(payload, subject));
    } catch (error) {
      throw this.unavailable(error);
    }
    if (!isPromiseLike(answer)) return this.refuseRevoked(payload, this.answered(answer));
    // Waited for without reading a property of it: the guard's code, optimized while the store
    // answered at once, is kept when a promise comes.
    return promiseThen.call(
      Promise.resolve(answer),
      (state: RevocationState) => this.refuseRevoked(payload, this.answered(state)),
      (error: unknown) => {
        throw this.unavailable(error);
      },
    ) as Promise<undefined>;
  }

  /** What the store knows of a token, in one call (refresh tells a replaced token apart). */
  async lookup(payload: Readonly<JwtPayload>, subject: string): Promise<RevocationState> {
    return this.ask(async () => this.store.lookup(this.queryFor(payload, subject)));
  }

  private queryFor(payload: Readonly<JwtPayload>, subject: string): RevocationQuery {
    const query: RevocationQuery = { jti: stringClaim(payload.jti), subject, family: stringClaim(payload.orig_jti) };
    if (isFiniteNumber(payload.exp)) query.expiresAt = payload.exp + this.settings.leeway;
    return query;
  }

  private refuseRevoked(payload: Readonly<JwtPayload>, state: RevocationState): undefined {
    if (state.token !== undefined || this.isRevoked(payload, state)) throw new TokenRejectedError('revoked');
    return undefined;
  }

  /** Revoked by logout, by its chain or by its subject; a merely replaced token is not. */
  isRevoked(payload: Readonly<JwtPayload>, state: RevocationState): boolean {
    return state.token === 'revoked' || state.familyRevoked || this.revokedBySubject(payload, state);
  }

  /**
   * Logout: the token, and under rotation the chain it belongs to. False: it already was.
   * `subject` is the one its lookups name (the store writes where they read).
   */
  async revoke(payload: Readonly<JwtPayload>, subject: string): Promise<boolean> {
    const jti = stringClaim(payload.jti);
    if (jti === undefined) throw new TokenRejectedError('no_token_id');
    const first = await this.ask(() => this.store.markToken(jti, 'revoked', this.tokenTtl(payload), subject));
    if (payload.orig_jti !== undefined) await this.revokeChain(payload, subject);
    return first;
  }

  /** Rotation: marks the refreshed token as replaced. False: it already was (reuse). */
  replace(payload: Readonly<JwtPayload>, subject: string): Promise<boolean> {
    const jti = stringClaim(payload.jti);
    if (jti === undefined) return Promise.resolve(true);
    return this.ask(() => this.store.markToken(jti, 'replaced', this.tokenTtl(payload), subject));
  }

  /**
   * Rotation with a grace period: marks the refreshed token as replaced and keeps its successor
   * (`store.replaceToken`). A token without `jti` cannot be marked: it always is the first.
   */
  async replaceWithGrace(
    payload: Readonly<JwtPayload>,
    successor: string,
    graceSeconds: number,
    subject: string,
  ): Promise<TokenReplacement> {
    const jti = stringClaim(payload.jti);
    if (jti === undefined) return { first: true };
    const ttl = this.tokenTtl(payload);
    const replaceToken = this.store.replaceToken?.bind(this.store);
    // A store without it (refused at start-up under rotateOnRefresh) gives no grace.
    if (replaceToken === undefined) return { first: await this.replace(payload, subject) };
    return this.ask(() => replaceToken(jti, successor, ttl, graceSeconds, subject));
  }

  /** Reuse detected: every token descending from the same login is refused. */
  revokeChain(payload: Readonly<JwtPayload>, subject: string): Promise<void> {
    const family = stringClaim(payload.orig_jti) ?? stringClaim(payload.jti);
    if (family === undefined) return Promise.resolve();
    const origIat = typeof payload.orig_iat === 'number' ? payload.orig_iat : undefined;
    const { refreshExpirationDelta, expirationDelta, leeway } = this.settings;
    const ttl =
      origIat === undefined
        ? this.longestLifetime()
        : origIat + refreshExpirationDelta + expirationDelta + leeway - nowSeconds();
    return this.ask(() => this.store.revokeFamily(family, Math.max(1, Math.ceil(ttl)), subject));
  }

  /**
   * Log out everywhere: the subject's tokens issued until now are refused. Resolves once the
   * clock has reached the next second, so tokens issued after it (whose `iat` is later) pass.
   */
  async revokeSubject(subject: string, ...others: string[]): Promise<void> {
    const at = nowSeconds();
    for (const each of [subject, ...others]) {
      await this.ask(() => this.store.revokeSubject(each, at, this.longestLifetime()));
    }
    const wait = (at + 1) * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** A token issued at or before its subject's cutoff (by `iat`, else `exp - expirationDelta`). */
  private revokedBySubject(payload: Readonly<JwtPayload>, state: RevocationState): boolean {
    if (state.subjectRevokedAt === undefined) return false;
    const issuedAt = isFiniteNumber(payload.iat)
      ? payload.iat
      : isFiniteNumber(payload.exp)
        ? payload.exp - this.settings.expirationDelta
        : undefined;
    return issuedAt === undefined || issuedAt <= state.subjectRevokedAt;
  }

  /** As long as the token could be accepted: until `exp` (plus leeway). */
  private tokenTtl(payload: Readonly<JwtPayload>): number {
    if (!this.settings.verifyExpiration || !isFiniteNumber(payload.exp)) return this.longestLifetime();
    return Math.max(1, Math.ceil(payload.exp + this.settings.leeway - nowSeconds()) + 1);
  }

  /** A bound for entries whose token lifetime is unknown (a handler may set a longer `exp`). */
  private longestLifetime(): number {
    const { expirationDelta, refreshExpirationDelta, leeway, simpleJwt } = this.settings;
    // simplejwt's tokens too, when the module speaks it: its refresh and sliding tokens live longest.
    const simple =
      simpleJwt === undefined
        ? []
        : [simpleJwt.refreshTokenLifetime + simpleJwt.leeway, simpleJwt.slidingTokenRefreshLifetime + simpleJwt.leeway];
    return Math.max(expirationDelta, refreshExpirationDelta, ...simple) + expirationDelta + leeway;
  }

  private async ask<T>(operation: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      throw this.unavailable(error);
    }
    return this.answered(result);
  }

  /** The store answered: if it had been failing, say that it is back. */
  private answered<T>(result: T): T {
    if (this.failing) {
      this.failing = false;
      this.logger.log('The revocation store answers again');
    }
    return result;
  }

  /** The store failed: log it once per outage; the caller refuses the request (fail closed). */
  private unavailable(error: unknown): RevocationUnavailableError {
    if (!this.failing) {
      this.failing = true;
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(`The revocation store cannot be reached; refusing tokens until it answers: ${reason}`);
    }
    return new RevocationUnavailableError(error);
  }
}
