/**
 * What the guard asks about one token, in one call (one round trip for a remote store).
 * `subject` is the username the token names; `family` is the `jti` of the login that
 * started the token's refresh chain (the `orig_jti` claim), when it has one.
 */
export interface RevocationQuery {
  jti?: string;
  subject: string;
  family?: string;
  /** The token's `exp` (seconds), when it has one: a cache of answers keeps none past it. */
  expiresAt?: number;
}

/** The answer: whether the token itself, its user's older tokens, or its chain are revoked. */
export interface RevocationState {
  /** `'revoked'`: logged out; `'replaced'`: refreshed away under `rotateOnRefresh`. */
  token?: TokenMark;
  /** Tokens of this subject issued at or before this time (seconds) are refused. */
  subjectRevokedAt?: number;
  /** Every token of this refresh chain is refused (a replaced token was presented again). */
  familyRevoked: boolean;
}

export type TokenMark = 'revoked' | 'replaced';

/**
 * What `replaceToken` found: this call replaced the token (`first`), or another call had, and
 * then, while that call's grace period lasts, the successor it kept.
 */
export type TokenReplacement = { first: true } | { first: false; successor?: string };

/**
 * Where revocations are kept. Every entry is written with the number of seconds it must live
 * (as long as the token it refuses could be used) and may be forgotten after that, so that
 * nothing grows without bound. Every method rejects when the store cannot be reached: the
 * guard then fails closed.
 */
export interface RevocationStore {
  /**
   * One lookup for everything that can refuse a token. A store that knows at once (in memory)
   * may answer without a promise: the guard then spends no tick waiting.
   */
  lookup(query: RevocationQuery): RevocationState | Promise<RevocationState>;
  /**
   * Marks a token. Resolves true when it was not marked before (atomically: of two concurrent
   * calls for one `jti`, exactly one resolves true), false when it already was; an existing
   * mark is kept. `subject` is the token's (as in its lookup): a store that shards by subject
   * (Redis Cluster) writes the mark where that lookup reads it.
   */
  markToken(jti: string, mark: TokenMark, ttlSeconds: number, subject: string): Promise<boolean>;
  /**
   * Rotation with a grace period (`rotationGracePeriod`): marks the token `'replaced'` for
   * `ttlSeconds` and keeps `successor` (opaque text: the claims its successor was signed from)
   * for `graceSeconds`, atomically, as `markToken` does. Resolves `{ first: true }` when this
   * call replaced it; else `{ first: false }`, with the kept successor while the grace lasts and
   * the token is marked `'replaced'` (never when it was revoked). Of two concurrent calls for one
   * `jti`, on any instances, exactly one is first and the other gets its successor. Optional: a
   * store without it serves rotation without a grace period only. `subject`: as for `markToken`.
   */
  replaceToken?(
    jti: string,
    successor: string,
    ttlSeconds: number,
    graceSeconds: number,
    subject: string,
  ): Promise<TokenReplacement>;
  /** Refuses the subject's tokens issued at or before `at` (seconds); a later time wins. */
  revokeSubject(subject: string, at: number, ttlSeconds: number): Promise<void>;
  /** Refuses every token of a refresh chain; `subject` is the chain's (its tokens' lookups name it). */
  revokeFamily(family: string, ttlSeconds: number, subject: string): Promise<void>;
  /** Called when the app shuts down: a store that opened a connection closes it (not a client it was given). */
  close?(): Promise<void>;
}
