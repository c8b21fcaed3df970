import type { RevocationQuery, RevocationState } from '../revocation/revocation-store.js';

/** What an invalidation names: a token (`t`, its jti), a subject (`s`) or a refresh chain (`f`). */
export type InvalidationKind = 't' | 's' | 'f';

interface Entry {
  state: RevocationState;
  /** Milliseconds (of the cache's clock) after which the entry is not served. */
  expiresAt: number;
  jti: string | undefined;
  subject: string;
  family: string | undefined;
  /** Served since it was last passed over for eviction (the second chance, below). */
  used: boolean;
}

export interface CacheLimits {
  /** Entries kept at most; past it, those not served lately go first. */
  maxEntries: number;
  /** The longest an entry is served, whatever the token's `exp`. */
  maxAgeMs: number;
  now: () => number;
}

/**
 * A bounded local copy of the store's answers for tokens that were not refused, so that a token
 * already seen costs no round trip. Entries not served lately go first (second chance), never
 * served past `maxAgeMs` nor past the token's `exp`, and dropped at once by token, subject or
 * chain when any instance revokes (the indexes below make that a few Map reads, not a scan).
 */
export class RevocationCache {
  /** Insertion order, the order eviction considers entries in (a spared entry moves to the end). */
  private readonly entries = new Map<string, Entry>();
  /** id -> the key of its one entry, or a Set of keys when several entries share it. */
  private readonly byJti = new Map<string, string | Set<string>>();
  private readonly bySubject = new Map<string, string | Set<string>>();
  private readonly byFamily = new Map<string, string | Set<string>>();

  constructor(private readonly options: CacheLimits) {}

  get size(): number {
    return this.entries.size;
  }

  /** The answer kept for a query, if any (`now`: the time the caller has already read). */
  get(query: RevocationQuery, now = this.options.now()): RevocationState | undefined {
    const entry = this.entryFor(query);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(keyOf(entry), entry);
      return undefined;
    }
    // Marked, not moved: a hit costs one write, and eviction gives marked entries a second chance.
    entry.used = true;
    return entry.state;
  }

  /**
   * The entry kept for a query. A query with a jti finds it through the jti's index, without
   * building a key: a new string must be hashed, the stored key's hash is kept with it.
   */
  private entryFor(query: RevocationQuery): Entry | undefined {
    if (query.jti === undefined) return this.entries.get(keyOf(query));
    const keys = this.byJti.get(query.jti);
    if (keys === undefined) return undefined;
    if (typeof keys === 'string') return this.entryAt(keys, query);
    for (const key of keys) {
      const entry = this.entryAt(key, query);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** The entry at `key` (one the jti's index names) when it answers the query. */
  private entryAt(key: string, query: RevocationQuery): Entry | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.subject === query.subject && entry.family === query.family ? entry : undefined;
  }

  /** Keeps an answer in which nothing refuses the token by itself (a subject cutoff is kept: the flow compares `iat`). */
  set(query: RevocationQuery, state: RevocationState): void {
    if (state.token !== undefined || state.familyRevoked) return;
    const now = this.options.now();
    let expiresAt = now + this.options.maxAgeMs;
    if (query.expiresAt !== undefined) expiresAt = Math.min(expiresAt, query.expiresAt * 1000);
    if (expiresAt <= now) return;
    const key = keyOf(query);
    const existing = this.entries.get(key);
    if (existing !== undefined) this.remove(key, existing);
    else if (this.entries.size >= this.options.maxEntries) this.evictOldest();
    const entry: Entry = {
      state,
      expiresAt,
      jti: query.jti,
      subject: query.subject,
      family: query.family,
      used: false,
    };
    this.entries.set(key, entry);
    index(this.byJti, entry.jti, key);
    index(this.bySubject, entry.subject, key);
    index(this.byFamily, entry.family, key);
  }

  /** Drops every entry the revocation of `id` may change. */
  invalidate(kind: InvalidationKind, id: string): void {
    const keys = (kind === 't' ? this.byJti : kind === 's' ? this.bySubject : this.byFamily).get(id);
    if (keys === undefined) return;
    for (const key of typeof keys === 'string' ? [keys] : [...keys]) {
      const entry = this.entries.get(key);
      if (entry !== undefined) this.remove(key, entry);
    }
  }

  clear(): void {
    this.entries.clear();
    this.byJti.clear();
    this.bySubject.clear();
    this.byFamily.clear();
  }

  /**
   * The second-chance (CLOCK) approximation of least recently used: the oldest entry goes, unless
   * it was served since it was last passed over; then it moves to the end, unmarked, and the next
   * oldest is considered. Each move spends a mark that a hit set, so eviction stays O(1) amortised.
   */
  private evictOldest(): void {
    for (const [key, entry] of this.entries) {
      if (!entry.used) {
        this.remove(key, entry);
        return;
      }
      entry.used = false;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    unindex(this.byJti, entry.jti, key);
    unindex(this.bySubject, entry.subject, key);
    unindex(this.byFamily, entry.family, key);
  }
}

/** Length-prefixed parts: no two different queries share a key, whatever their characters. */
function keyOf(query: Pick<RevocationQuery, 'jti' | 'subject' | 'family'>): string {
  const jti = query.jti ?? '';
  const family = query.family ?? '';
  return `${query.jti === undefined ? '-' : jti.length}:${jti}${query.subject.length}:${query.subject}${query.family === undefined ? '-' : family.length}:${family}`;
}

/** Most ids (a jti, a chain) have one entry: a plain string then, a Set only when they have more. */
function index(map: Map<string, string | Set<string>>, id: string | undefined, key: string): void {
  if (id === undefined) return;
  const keys = map.get(id);
  if (keys === undefined) map.set(id, key);
  else if (typeof keys === 'string') {
    if (keys !== key) map.set(id, new Set([keys, key]));
  } else keys.add(key);
}

function unindex(map: Map<string, string | Set<string>>, id: string | undefined, key: string): void {
  if (id === undefined) return;
  const keys = map.get(id);
  if (keys === undefined) return;
  if (typeof keys === 'string') {
    if (keys === key) map.delete(id);
    return;
  }
  keys.delete(key);
  if (keys.size === 1) map.set(id, keys.values().next().value as string);
  else if (keys.size === 0) map.delete(id);
}
