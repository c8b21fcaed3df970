import type {
  RevocationQuery,
  RevocationState,
  RevocationStore,
  TokenMark,
  TokenReplacement,
} from './revocation-store.js';
import { revocationState } from './revocation-state.js';

export interface MemoryRevocationStoreOptions {
  /**
   * Live entries kept at most (default 1,000,000). Past it, revoking fails (the endpoints
   * answer 503) instead of forgetting a live revocation.
   */
  maxEntries?: number;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

/** Thrown when a MemoryRevocationStore is full of live entries. */
export class RevocationStoreFullError extends Error {
  constructor(maxEntries: number) {
    super(`nest-rest-jwt: the in-memory revocation store holds ${maxEntries} live entries (maxEntries)`);
    this.name = 'RevocationStoreFullError';
  }
}

/**
 * Revocations of one process (the default). Entries expire with the tokens they refuse:
 * they are swept by the second they expire in, at most once a second, on writes.
 */
export class MemoryRevocationStore implements RevocationStore {
  /** jti -> expiry in seconds, negated for `'replaced'`. */
  private readonly tokens = new Map<string, number>();
  private readonly subjects = new Map<string, { at: number; expiresAt: number }>();
  private readonly families = new Map<string, number>();
  /** jti of a replaced token -> its successor, kept for the grace period (expiry in ms). */
  private readonly successors = new Map<string, { successor: string; expiresAtMs: number }>();
  /** Expiry second -> the keys that expire then (prefixed with t:, s:, f: or g:). */
  private readonly expiries = new Map<number, string[]>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private sweptUpTo = 0;

  constructor(options: MemoryRevocationStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new TypeError('nest-rest-jwt: MemoryRevocationStore maxEntries must be a positive integer');
    }
  }

  /** Live entries (tokens, subjects, families and kept successors), for tests and benchmarks. */
  get size(): number {
    return this.tokens.size + this.subjects.size + this.families.size + this.successors.size;
  }

  lookup(query: RevocationQuery): RevocationState {
    const now = this.seconds();
    let token: TokenMark | undefined;
    if (query.jti !== undefined) {
      const entry = this.tokens.get(query.jti);
      if (entry !== undefined && Math.abs(entry) > now) token = entry > 0 ? 'revoked' : 'replaced';
    }
    const subject = this.subjects.get(query.subject);
    const familyExpiresAt = query.family === undefined ? undefined : this.families.get(query.family);
    return revocationState(
      token,
      subject !== undefined && subject.expiresAt > now ? subject.at : undefined,
      familyExpiresAt !== undefined && familyExpiresAt > now,
    );
  }

  /** One process holds every key: the subject does not say where the mark goes. */
  markToken(jti: string, mark: TokenMark, ttlSeconds: number, _subject?: string): Promise<boolean> {
    const now = this.sweep();
    const existing = this.tokens.get(jti);
    if (existing !== undefined && Math.abs(existing) > now) return Promise.resolve(false);
    const expiresAt = now + ttlSeconds;
    this.admit(existing === undefined);
    this.tokens.set(jti, mark === 'revoked' ? expiresAt : -expiresAt);
    this.expireAt(expiresAt, `t:${jti}`);
    return Promise.resolve(true);
  }

  replaceToken(jti: string, successor: string, ttlSeconds: number, graceSeconds: number): Promise<TokenReplacement> {
    const now = this.sweep();
    const existing = this.tokens.get(jti);
    if (existing !== undefined && Math.abs(existing) > now) {
      const kept = this.successors.get(jti);
      // Synchronous from the read to the answer: no other call can come in between.
      const live = existing < 0 && kept !== undefined && kept.expiresAtMs > this.now();
      return Promise.resolve(live ? { first: false, successor: kept.successor } : { first: false });
    }
    // Room for the mark and the successor, or neither is written.
    if (this.size + (existing === undefined ? 2 : 1) > this.maxEntries) {
      throw new RevocationStoreFullError(this.maxEntries);
    }
    const expiresAt = now + ttlSeconds;
    this.tokens.set(jti, -expiresAt);
    this.expireAt(expiresAt, `t:${jti}`);
    const expiresAtMs = this.now() + Math.min(graceSeconds, ttlSeconds) * 1000;
    this.successors.set(jti, { successor, expiresAtMs });
    this.expireAt(Math.ceil(expiresAtMs / 1000), `g:${jti}`);
    return Promise.resolve({ first: true });
  }

  revokeSubject(subject: string, at: number, ttlSeconds: number): Promise<void> {
    const now = this.sweep();
    const existing = this.subjects.get(subject);
    const expiresAt = now + ttlSeconds;
    this.admit(existing === undefined);
    this.subjects.set(subject, {
      at: existing && existing.expiresAt > now ? Math.max(existing.at, at) : at,
      expiresAt: Math.max(existing?.expiresAt ?? 0, expiresAt),
    });
    this.expireAt(expiresAt, `s:${subject}`);
    return Promise.resolve();
  }

  revokeFamily(family: string, ttlSeconds: number, _subject?: string): Promise<void> {
    const now = this.sweep();
    const existing = this.families.get(family);
    const expiresAt = Math.max(existing ?? 0, now + ttlSeconds);
    this.admit(existing === undefined);
    this.families.set(family, expiresAt);
    this.expireAt(expiresAt, `f:${family}`);
    return Promise.resolve();
  }

  private admit(isNew: boolean): void {
    if (isNew && this.size >= this.maxEntries) throw new RevocationStoreFullError(this.maxEntries);
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private expireAt(second: number, key: string): void {
    const keys = this.expiries.get(second);
    if (keys) keys.push(key);
    else this.expiries.set(second, [key]);
  }

  /** Drops what expired since the last sweep; returns the current second. */
  private sweep(): number {
    const now = this.seconds();
    if (now <= this.sweptUpTo) return now;
    this.sweptUpTo = now;
    for (const [second, keys] of this.expiries) {
      if (second > now) continue;
      this.expiries.delete(second);
      for (const key of keys) this.forget(key, now);
    }
    return now;
  }

  /** An entry is only dropped when it has really expired: it may have been extended since. */
  private forget(key: string, now: number): void {
    const id = key.slice(2);
    if (key.startsWith('t:')) {
      const entry = this.tokens.get(id);
      if (entry !== undefined && Math.abs(entry) <= now) this.tokens.delete(id);
    } else if (key.startsWith('g:')) {
      const entry = this.successors.get(id);
      if (entry !== undefined && entry.expiresAtMs <= now * 1000) this.successors.delete(id);
    } else if (key.startsWith('s:')) {
      const entry = this.subjects.get(id);
      if (entry !== undefined && entry.expiresAt <= now) this.subjects.delete(id);
    } else {
      const entry = this.families.get(id);
      if (entry !== undefined && entry <= now) this.families.delete(id);
    }
  }
}
