import { describe, expect, it } from '@jest/globals';
import {
  DJANGO_SALT_LENGTH,
  isUsableSalt,
  makeSalt,
  SALT_CHARACTERS,
  saltIsTooShort,
} from '../../lib/passwords/salt.js';

describe('salts like Django', () => {
  it("uses Django's 62 characters and 22 of them (ceil(128 / log2(62)))", () => {
    expect(SALT_CHARACTERS).toBe('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    expect(DJANGO_SALT_LENGTH).toBe(22);
  });

  it('makes 22 characters of [A-Za-z0-9], different every time', () => {
    const salts = Array.from({ length: 200 }, () => makeSalt());
    for (const salt of salts) expect(salt).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(new Set(salts).size).toBe(salts.length);
  });

  it('draws every character of the alphabet (4,400 draws)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => makeSalt()).join(''));
    expect(seen.size).toBe(SALT_CHARACTERS.length);
  });

  it('makes salts of another length on request', () => {
    expect(makeSalt(5)).toMatch(/^[A-Za-z0-9]{5}$/);
  });

  it('a salt under 128 bits of entropy is too short (21 characters: yes, 22: no)', () => {
    expect([saltIsTooShort('a'.repeat(21)), saltIsTooShort('a'.repeat(22)), saltIsTooShort('seasalt')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it.each([
    ['', false],
    ['a$b', false],
    [42, false],
    ['seasalt', true],
    ['sél €', true],
  ])('isUsableSalt(%p) is %p', (salt, usable) => {
    expect(isUsableSalt(salt)).toBe(usable);
  });
});
