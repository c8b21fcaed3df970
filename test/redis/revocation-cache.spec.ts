import { describe, expect, it } from '@jest/globals';
import { RevocationCache } from '../../lib/redis/revocation-cache.js';

const clean = { familyRevoked: false } as const;

function cacheAt(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const clock = { now: 1_700_000_000_000 };
  const cache = new RevocationCache({
    maxEntries: options.maxEntries ?? 10,
    maxAgeMs: options.maxAgeMs ?? 60_000,
    now: () => clock.now,
  });
  return { cache, clock };
}

describe('RevocationCache', () => {
  it('serves an answer it was given for the same query, and none for another', () => {
    const { cache } = cacheAt();
    cache.set({ jti: 'a', subject: 'alice', family: 'f1' }, clean);
    expect(cache.get({ jti: 'a', subject: 'alice', family: 'f1' })).toEqual(clean);
    expect(cache.get({ jti: 'a', subject: 'alice' })).toBeUndefined();
    expect(cache.get({ jti: 'a', subject: 'bob', family: 'f1' })).toBeUndefined();
    expect(cache.get({ subject: 'alice', family: 'f1' })).toBeUndefined();
  });

  it('keeps apart the answers for one jti named with other subjects or chains', () => {
    const { cache } = cacheAt();
    const cutoff = { subjectRevokedAt: 5, familyRevoked: false };
    cache.set({ jti: 'a', subject: 'alice', family: 'f1' }, clean);
    cache.set({ jti: 'a', subject: 'bob', family: 'f1' }, cutoff);
    cache.set({ jti: 'a', subject: 'alice' }, cutoff);
    expect(cache.size).toBe(3);
    expect(cache.get({ jti: 'a', subject: 'alice', family: 'f1' })).toEqual(clean);
    expect(cache.get({ jti: 'a', subject: 'bob', family: 'f1' })).toEqual(cutoff);
    expect(cache.get({ jti: 'a', subject: 'alice' })).toEqual(cutoff);
    expect(cache.get({ jti: 'a', subject: 'bob' })).toBeUndefined();
    cache.invalidate('s', 'bob');
    expect(cache.get({ jti: 'a', subject: 'bob', family: 'f1' })).toBeUndefined();
    expect(cache.get({ jti: 'a', subject: 'alice', family: 'f1' })).toEqual(clean);
  });

  it('keys cannot collide, whatever characters the claims hold', () => {
    const { cache } = cacheAt();
    cache.set({ jti: 'a\u0000b', subject: 'c' }, clean);
    expect(cache.get({ jti: 'a', subject: 'b\u0000c' })).toBeUndefined();
    cache.set({ jti: '1:x', subject: 'y' }, clean);
    expect(cache.get({ jti: '1', subject: 'x1:y' })).toBeUndefined();
  });

  it('keeps no answer that refuses the token by itself; keeps a subject cutoff (the flow compares iat)', () => {
    const { cache } = cacheAt();
    cache.set({ jti: 'r', subject: 's' }, { token: 'revoked', familyRevoked: false });
    cache.set({ jti: 'p', subject: 's' }, { token: 'replaced', familyRevoked: false });
    cache.set({ jti: 'f', subject: 's', family: 'x' }, { familyRevoked: true });
    cache.set({ jti: 'c', subject: 's' }, { subjectRevokedAt: 5, familyRevoked: false });
    expect(cache.size).toBe(1);
    expect(cache.get({ jti: 'c', subject: 's' })).toEqual({ subjectRevokedAt: 5, familyRevoked: false });
  });

  it('drops entries by token, by subject and by chain', () => {
    const { cache } = cacheAt();
    cache.set({ jti: 'a1', subject: 'alice', family: 'chain-a' }, clean);
    cache.set({ jti: 'a2', subject: 'alice', family: 'chain-b' }, clean);
    cache.set({ jti: 'b1', subject: 'bob', family: 'chain-b' }, clean);
    cache.set({ jti: 'b2', subject: 'bob' }, clean);

    cache.invalidate('t', 'b2');
    expect(cache.get({ jti: 'b2', subject: 'bob' })).toBeUndefined();
    expect(cache.size).toBe(3);

    cache.invalidate('f', 'chain-b');
    expect(cache.get({ jti: 'a2', subject: 'alice', family: 'chain-b' })).toBeUndefined();
    expect(cache.get({ jti: 'b1', subject: 'bob', family: 'chain-b' })).toBeUndefined();
    expect(cache.size).toBe(1);

    cache.invalidate('s', 'alice');
    expect(cache.size).toBe(0);
    cache.invalidate('s', 'nobody');
  });

  it('holds at most maxEntries, dropping first an entry not served since it was stored', () => {
    const { cache } = cacheAt({ maxEntries: 3 });
    for (const jti of ['1', '2', '3']) cache.set({ jti, subject: 's' }, clean);
    expect(cache.get({ jti: '1', subject: 's' })).toEqual(clean); // 1 is now the most recent
    cache.set({ jti: '4', subject: 's' }, clean);
    expect(cache.size).toBe(3);
    expect(cache.get({ jti: '2', subject: 's' })).toBeUndefined();
    expect(cache.get({ jti: '1', subject: 's' })).toEqual(clean);
    // Thousands more: still three entries, and the indexes let go of the evicted ones.
    for (let i = 0; i < 5000; i++) cache.set({ jti: `x${i}`, subject: `s${i}`, family: `f${i}` }, clean);
    expect(cache.size).toBe(3);
    cache.invalidate('s', 's4999');
    expect(cache.size).toBe(2);
  });

  it('spares a served entry once, not twice, and evicts even when every entry was served', () => {
    const { cache } = cacheAt({ maxEntries: 3 });
    for (const jti of ['1', '2', '3']) cache.set({ jti, subject: 's' }, clean);
    expect(cache.get({ jti: '1', subject: 's' })).toEqual(clean);
    cache.set({ jti: '4', subject: 's' }, clean); // 1 is spared, 2 goes
    cache.set({ jti: '5', subject: 's' }, clean); // 3 goes
    cache.set({ jti: '6', subject: 's' }, clean); // 1, not served since it was spared, goes before 4
    expect(cache.get({ jti: '1', subject: 's' })).toBeUndefined();
    expect(cache.get({ jti: '2', subject: 's' })).toBeUndefined();
    expect(cache.get({ jti: '3', subject: 's' })).toBeUndefined();
    for (const jti of ['4', '5', '6']) expect(cache.get({ jti, subject: 's' })).toEqual(clean);
    // All three served: each is passed over once, then the oldest of them goes.
    cache.set({ jti: '7', subject: 's' }, clean);
    expect(cache.size).toBe(3);
    expect(cache.get({ jti: '4', subject: 's' })).toBeUndefined();
    for (const jti of ['5', '6', '7']) expect(cache.get({ jti, subject: 's' })).toEqual(clean);
  });

  it('serves no entry past maxAgeMs, nor past the token expiry it was given', () => {
    const { cache, clock } = cacheAt({ maxAgeMs: 60_000 });
    const expiresAt = clock.now / 1000 + 10; // the token expires in 10 s
    cache.set({ jti: 'short', subject: 's', expiresAt }, clean);
    cache.set({ jti: 'long', subject: 's' }, clean);
    clock.now += 9_999;
    expect(cache.get({ jti: 'short', subject: 's', expiresAt })).toEqual(clean);
    clock.now += 1;
    expect(cache.get({ jti: 'short', subject: 's', expiresAt })).toBeUndefined();
    expect(cache.get({ jti: 'long', subject: 's' })).toEqual(clean);
    clock.now += 50_000;
    expect(cache.get({ jti: 'long', subject: 's' })).toBeUndefined();
    expect(cache.size).toBe(0);
    // A token already expired is not kept at all.
    cache.set({ jti: 'gone', subject: 's', expiresAt: clock.now / 1000 - 1 }, clean);
    expect(cache.size).toBe(0);
  });

  it('clear() forgets everything', () => {
    const { cache } = cacheAt();
    cache.set({ jti: 'a', subject: 's' }, clean);
    cache.clear();
    expect(cache.get({ jti: 'a', subject: 's' })).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
