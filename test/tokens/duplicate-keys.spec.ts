import { hasDuplicateKeys } from '../../lib/tokens/duplicate-keys.js';

describe('hasDuplicateKeys', () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"alg":"HS256","alg":"none"}', true],
    ['{"a":{"b":1,"b":2}}', true],
    ['[{"a":1,"a":1}]', true],
    ['{"a\\u0062":1,"ab":2}', true], // the same key, once escaped
    ['{"a":1,"b":2}', false],
    ['{"a":{"a":1},"b":{"a":2}}', false], // the same key in different objects
    ['[{"a":1},{"a":2}]', false],
    ['{"a":"\\"a\\":1,","b":["a","a"]}', false], // keys inside strings and arrays are not keys
    ['{"a":[1,{"x":1}],"b":{"x":2}}', false],
    ['"a"', false],
    ['null', false],
  ])('%s -> %s', (json, expected) => {
    expect(hasDuplicateKeys(json)).toBe(expected);
  });
});
