import { describe, expect, it } from '@jest/globals';
import { userIdMatches } from '../../lib/common/claims.js';

describe('userIdMatches: does a user_id claim name the account with this id?', () => {
  it('the same integer or string, whichever way each side writes it', () => {
    expect(userIdMatches(1, 1)).toBe(true);
    expect(userIdMatches('1', 1)).toBe(true);
    expect(userIdMatches(1, '1')).toBe(true);
    expect(userIdMatches('7c9e6679-7425-40de-944b-e07fc1f90ae7', '7c9e6679-7425-40de-944b-e07fc1f90ae7')).toBe(true);
  });

  it('another id, or a value no id is, names no account', () => {
    for (const claim of [2, '01', ' 1', 1.5, 2 ** 60, NaN, true, null, undefined, '', [1], { id: 1 }]) {
      expect(userIdMatches(claim, 1)).toBe(false);
    }
    expect(userIdMatches('', '')).toBe(false);
    expect(userIdMatches('undefined', 1)).toBe(false);
  });
});
