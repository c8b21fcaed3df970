import { describe, expect, it } from '@jest/globals';
import { parseDuration } from '../../lib/common/duration.js';

describe('parseDuration', () => {
  it.each([
    [300, 300],
    [0, 0],
    ['300', 300],
    [' 300 ', 300],
    ['30s', 30],
    ['5m', 300],
    ['5 minutes', 300],
    ['5M', 300],
    ['1.5h', 5400],
    ['2 hours', 7200],
    ['7d', 604800],
    ['1 day', 86400],
    ['2w', 1209600],
  ] as [number | string, number][])('%j is %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it('a bare number is seconds, never milliseconds (300 is five minutes)', () => {
    expect(parseDuration(300)).toBe(5 * 60);
  });

  it('a numeric string without unit is seconds, never milliseconds ("300" is five minutes)', () => {
    expect(parseDuration('300')).toBe(5 * 60);
  });

  it('"300ms" is not a duration (milliseconds are not offered)', () => {
    expect(parseDuration('300ms')).toBeUndefined();
  });

  it('rounds fractions of a second down', () => {
    expect(parseDuration(1.9)).toBe(1);
    expect(parseDuration('0.5s')).toBe(0);
  });

  it('parses negative values (resolveSettings refuses them, naming the option)', () => {
    expect(parseDuration(-5)).toBe(-5);
    expect(parseDuration('-5m')).toBe(-300);
  });

  it.each(['abc', '', '   ', '5 fortnights', '5y', 'm', '5m5s', '--5', '0x10'])('%j is not a duration', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it.each([Infinity, -Infinity, NaN])('%p is not a duration', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it.each([null, undefined, true, {}, [300]])('%p (not a number or string) is not a duration', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});
