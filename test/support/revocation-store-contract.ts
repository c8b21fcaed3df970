import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RevocationStore, TokenMark } from '../../lib/index.js';

/**
 * What every RevocationStore must do (lib/revocation/revocation-store.ts), as tests for any
 * store. `makeStore` is called once per test and may share a backend between calls (ids are
 * unique per test); `disposeStore` runs after each test.
 */
export function describeRevocationStoreContract(
  name: string,
  makeStore: () => RevocationStore | Promise<RevocationStore>,
  disposeStore: (store: RevocationStore) => Promise<void> = async (store) => store.close?.(),
): void {
  describe(`${name}: the RevocationStore contract`, () => {
    const made: RevocationStore[] = [];
    const newStore = async (): Promise<RevocationStore> => {
      const store = await makeStore();
      made.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(made.splice(0).map(disposeStore));
    });
    /** Unique per call, with the characters ids may carry (usernames with ':' or spaces, UUIDs). */
    const id = (label: string): string => `${label}: ü ${randomUUID()}`;
    const nowSeconds = (): number => Math.floor(Date.now() / 1000);

    it('finds nothing for ids it never saw', async () => {
      const store = await newStore();
      expect(await store.lookup({ subject: id('subject') })).toEqual({ familyRevoked: false });
      expect(await store.lookup({ jti: id('jti'), subject: id('subject'), family: id('family') })).toEqual({
        familyRevoked: false,
      });
    });

    it('marks a token once: the first mark answers true, later ones false and keep the first', async () => {
      const store = await newStore();
      const jti = id('jti');
      const subject = id('subject');
      expect(await store.markToken(jti, 'revoked', 60, subject)).toBe(true);
      expect(await store.markToken(jti, 'replaced', 60, subject)).toBe(false);
      expect(await store.markToken(jti, 'revoked', 60, subject)).toBe(false);
      expect(await store.lookup({ jti, subject })).toEqual({ token: 'revoked', familyRevoked: false });

      const replaced = id('jti');
      expect(await store.markToken(replaced, 'replaced', 60, subject)).toBe(true);
      expect(await store.markToken(replaced, 'revoked', 60, subject)).toBe(false);
      expect((await store.lookup({ jti: replaced, subject })).token).toBe('replaced');
      // Other tokens are untouched.
      expect((await store.lookup({ jti: id('jti'), subject })).token).toBeUndefined();
    });

    it('of many concurrent marks of one token, exactly one answers true, and its mark is kept', async () => {
      const store = await newStore();
      const jti = id('jti');
      const subject = id('subject');
      const marks = Array.from({ length: 40 }, (_, i): TokenMark => (i % 2 === 0 ? 'revoked' : 'replaced'));
      const results = await Promise.all(marks.map((mark) => store.markToken(jti, mark, 60, subject)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = marks[results.indexOf(true)];
      expect((await store.lookup({ jti, subject })).token).toBe(winner);
    });

    it("revokes a subject's tokens issued at or before a time, keeping the later of two times", async () => {
      const store = await newStore();
      const subject = id('subject');
      await store.revokeSubject(subject, 1_700_000_200, 60);
      expect(await store.lookup({ subject })).toEqual({ subjectRevokedAt: 1_700_000_200, familyRevoked: false });
      await store.revokeSubject(subject, 1_700_000_100, 60);
      expect((await store.lookup({ subject })).subjectRevokedAt).toBe(1_700_000_200);
      await store.revokeSubject(subject, 1_700_000_300, 60);
      expect((await store.lookup({ subject })).subjectRevokedAt).toBe(1_700_000_300);
      expect((await store.lookup({ subject: id('subject') })).subjectRevokedAt).toBeUndefined();
    });

    it('keeps the latest time when many instances revoke one subject at once', async () => {
      const store = await newStore();
      const subject = id('subject');
      const times = Array.from({ length: 30 }, (_, i) => 1_700_000_000 + ((i * 7919) % 30));
      await Promise.all(times.map((at) => store.revokeSubject(subject, at, 60)));
      expect((await store.lookup({ subject })).subjectRevokedAt).toBe(Math.max(...times));
    });

    it('revokes a refresh chain (family) and only that one', async () => {
      const store = await newStore();
      const subject = id('subject');
      const family = id('family');
      await store.revokeFamily(family, 60, subject);
      await store.revokeFamily(family, 60, subject); // twice is fine
      expect(await store.lookup({ subject, family })).toEqual({ familyRevoked: true });
      expect(await store.lookup({ subject, family: id('family') })).toEqual({ familyRevoked: false });
      expect(await store.lookup({ subject })).toEqual({ familyRevoked: false });
    });

    it('answers for token, subject and family together, and keeps the three kinds of id apart', async () => {
      const store = await newStore();
      const shared = id('same id');
      // One string as the token's id, its subject and its chain.
      await store.markToken(shared, 'revoked', 60, shared);
      // The same string as a subject or a family is not revoked by a token mark, and so on.
      expect(await store.lookup({ subject: shared, family: shared })).toEqual({ familyRevoked: false });
      await store.revokeSubject(shared, 1_700_000_000, 60);
      expect(await store.lookup({ jti: id('jti'), subject: id('subject'), family: shared })).toEqual({
        familyRevoked: false,
      });
      expect(await store.lookup({ jti: id('jti'), subject: shared, family: shared })).toEqual({
        subjectRevokedAt: 1_700_000_000,
        familyRevoked: false,
      });
      await store.revokeFamily(shared, 60, shared);
      expect(await store.lookup({ jti: shared, subject: shared, family: shared })).toEqual({
        token: 'revoked',
        subjectRevokedAt: 1_700_000_000,
        familyRevoked: true,
      });
    });

    it('forgets entries when their time to live is over, and keeps the longer of two', async () => {
      const store = await newStore();
      const subject = id('subject');
      const [jti, shortSubject, shortFamily, longSubject, longFamily] = ['jti', 's', 'f', 'S', 'F'].map(id);
      const at = nowSeconds();
      await store.markToken(jti, 'revoked', 2, subject);
      await store.revokeSubject(shortSubject, at, 2);
      await store.revokeFamily(shortFamily, 2, shortSubject);
      // Longer first, then a shorter one (and for the subject an earlier time): both kept. A
      // minute, so that they outlive the wait below however slow the machine is.
      await store.revokeSubject(longSubject, at, 60);
      await store.revokeSubject(longSubject, at - 10, 1);
      await store.revokeFamily(longFamily, 60, longSubject);
      await store.revokeFamily(longFamily, 1, longSubject);

      expect(await store.lookup({ jti, subject })).toEqual({ token: 'revoked', familyRevoked: false });
      expect(await store.lookup({ subject: shortSubject, family: shortFamily })).toEqual({
        subjectRevokedAt: at,
        familyRevoked: true,
      });

      await sleep(2300);
      expect(await store.lookup({ jti, subject, family: shortFamily })).toEqual({ familyRevoked: false });
      expect(await store.lookup({ subject: shortSubject, family: shortFamily })).toEqual({ familyRevoked: false });
      expect(await store.lookup({ subject: longSubject, family: longFamily })).toEqual({
        subjectRevokedAt: at,
        familyRevoked: true,
      });
      // An expired mark is gone: the token can be marked again.
      expect(await store.markToken(jti, 'replaced', 60, subject)).toBe(true);
      expect((await store.lookup({ jti, subject })).token).toBe('replaced');
    });

    /** replaceToken is optional (rotation's grace period); both built-in stores have it. */
    const withReplace = async (): Promise<RevocationStore & Required<Pick<RevocationStore, 'replaceToken'>>> => {
      const store = await newStore();
      if (typeof store.replaceToken !== 'function') throw new Error(`${name} has no replaceToken`);
      return store as RevocationStore & Required<Pick<RevocationStore, 'replaceToken'>>;
    };

    it('replaceToken: the first call replaces the token; later ones get its successor while the grace lasts', async () => {
      const store = await withReplace();
      const jti = id('jti');
      const subject = id('subject');
      expect(await store.replaceToken(jti, '{"jti":"next"}', 60, 30, subject)).toEqual({ first: true });
      expect(await store.lookup({ jti, subject })).toEqual({ token: 'replaced', familyRevoked: false });
      // A second (and third) refresh of the same token: the first's successor, not its own.
      expect(await store.replaceToken(jti, '{"jti":"other"}', 60, 30, subject)).toEqual({
        first: false,
        successor: '{"jti":"next"}',
      });
      expect(await store.replaceToken(jti, 'ü \u0000 "quoted"', 60, 30, subject)).toEqual({
        first: false,
        successor: '{"jti":"next"}',
      });
      // It is a mark like markToken's: a later mark is refused and keeps it.
      expect(await store.markToken(jti, 'revoked', 60, subject)).toBe(false);
      expect((await store.lookup({ jti, subject })).token).toBe('replaced');
    });

    it('replaceToken: a revoked (or plainly marked) token has no successor to give', async () => {
      const store = await withReplace();
      const subject = id('subject');
      const revoked = id('jti');
      await store.markToken(revoked, 'revoked', 60, subject);
      expect(await store.replaceToken(revoked, '{}', 60, 30, subject)).toEqual({ first: false });
      const replaced = id('jti');
      await store.markToken(replaced, 'replaced', 60, subject);
      expect(await store.replaceToken(replaced, '{}', 60, 30, subject)).toEqual({ first: false });
    });

    it('replaceToken: of many concurrent calls exactly one is first, and every other gets its successor', async () => {
      const store = await withReplace();
      const jti = id('jti');
      const subject = id('subject');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.replaceToken(jti, `successor ${i}`, 60, 30, subject)),
      );
      const first = results.flatMap((result, i) => (result.first ? [i] : []));
      expect(first).toHaveLength(1);
      for (const result of results.filter((result) => !result.first)) {
        expect(result).toEqual({ first: false, successor: `successor ${first[0]}` });
      }
    });

    it('replaceToken: once the grace is over the successor is gone, and the token stays replaced', async () => {
      const store = await withReplace();
      const jti = id('jti');
      const subject = id('subject');
      expect(await store.replaceToken(jti, 'successor', 60, 0.2, subject)).toEqual({ first: true });
      // Whatever the machine's speed: wait until the store says the grace is over...
      let answer = await store.replaceToken(jti, 'later', 60, 0.2, subject);
      for (let tries = 0; !answer.first && answer.successor !== undefined && tries < 100; tries += 1) {
        await sleep(100);
        answer = await store.replaceToken(jti, 'later', 60, 0.2, subject);
      }
      // ...then it is a reuse from now on: no successor, not first, still marked replaced.
      expect(answer).toEqual({ first: false });
      expect(await store.replaceToken(jti, 'later', 60, 30, subject)).toEqual({ first: false });
      expect((await store.lookup({ jti, subject })).token).toBe('replaced');
    });

    it('keeps the later time for the longer life when an earlier time comes with a longer life', async () => {
      const store = await newStore();
      const subject = id('subject');
      const at = nowSeconds();
      await store.revokeSubject(subject, at, 1);
      await store.revokeSubject(subject, at - 5, 60);
      await sleep(2300);
      // The later time of the two, for the longer time to live.
      expect((await store.lookup({ subject })).subjectRevokedAt).toBe(at);
    });
  });
}
