import { describe, expect, it } from '@jest/globals';
import { constantTimeEqual } from '../../lib/passwords/constant-time.js';

describe('constantTimeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
    ['', '', true],
    ['é', 'e\u0301', false],
    ['pbkdf2_sha256$1$s$h', 'pbkdf2_sha256$1$s$h', true],
  ])('%p and %p: %p', (a, b, equal) => {
    expect(constantTimeEqual(a, b)).toBe(equal);
  });
});
