import { describe, expect, it } from '@jest/globals';
import { MemoryRevocationStore, RevocationStoreFullError } from '../../lib/index.js';
import { describeRevocationStoreContract } from '../support/revocation-store-contract.js';

describeRevocationStoreContract('MemoryRevocationStore', () => new MemoryRevocationStore());

describe('MemoryRevocationStore.replaceToken on an injected clock', () => {
  const start = 1_800_000_000_000;

  it("keeps the successor for the grace period exactly, by the store's clock, then sweeps it", async () => {
    let now = start;
    const store = new MemoryRevocationStore({ now: () => now });
    expect(await store.replaceToken('a', 'successor', 300, 10)).toEqual({ first: true });
    expect(store.size).toBe(2); // the mark and the successor
    now = start + 9_999;
    expect(await store.replaceToken('a', 'x', 300, 10)).toEqual({ first: false, successor: 'successor' });
    now = start + 10_000;
    expect(await store.replaceToken('a', 'x', 300, 10)).toEqual({ first: false });
    now = start + 11_000;
    await store.markToken('unrelated', 'revoked', 300); // a write sweeps
    expect(store.size).toBe(2); // the replaced mark and the unrelated one: the successor is gone
    expect(store.lookup({ jti: 'a', subject: 's' }).token).toBe('replaced');
  });

  it('keeps a successor no longer than the mark (a grace longer than the token is cut to it)', async () => {
    let now = start;
    const store = new MemoryRevocationStore({ now: () => now });
    await store.replaceToken('a', 'successor', 5, 30);
    now = start + 5_000;
    expect(await store.replaceToken('a', 'x', 5, 30)).toEqual({ first: true });
  });

  it('writes neither the mark nor the successor when both do not fit under maxEntries', async () => {
    const store = new MemoryRevocationStore({ maxEntries: 3 });
    await store.markToken('one', 'revoked', 60);
    await store.markToken('two', 'revoked', 60);
    expect(() => store.replaceToken('a', 'successor', 60, 10)).toThrow(RevocationStoreFullError);
    expect(store.lookup({ jti: 'a', subject: 's' }).token).toBeUndefined();
    expect(store.size).toBe(2);
  });
});
