import { describe, expect, it } from '@jest/globals';
import { JwtAuthConfigError } from '../../lib/common/errors.js';
import { checkOptionNames, editDistance, type NameTable, nearestName } from '../../lib/common/option-names.js';

describe('editDistance (insertions, deletions, substitutions, adjacent swaps)', () => {
  it.each([
    ['limit', 'limit', 0],
    ['limt', 'limit', 1],
    ['nmae', 'name', 1],
    ['alowRefresh', 'allowRefresh', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%j to %j: %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearestName', () => {
  const names = ['limit', 'ttl', 'perAddressLimit', 'storage', 'headerName', 'cookieName', 'algorithm', 'keyId'];

  it.each([
    ['limt', 'limit'],
    ['LIMIT', 'limit'],
    ['storgae', 'storage'],
    ['header', 'headerName'],
    ['alg', 'algorithm'],
    ['perAdressLimit', 'perAddressLimit'],
  ])('%j: %j', (given, near) => {
    expect(nearestName(given, names)).toBe(near);
  });

  it.each(['window', 'x', 'maximum', 'tl_secs'])('%j: none (nothing near enough)', (given) => {
    expect(nearestName(given, names)).toBeUndefined();
  });
});

describe('checkOptionNames', () => {
  const inner: NameTable = { name: 'value', maxAge: 'value' };
  const table: NameTable = {
    plain: 'value',
    cookie: { object: inner },
    list: { each: inner },
    hooks: { object: { onEvent: 'value' }, plainOnly: true },
  };
  const carried = { old: { from: 'another-library', advice: 'did you mean "plain"?' } };

  function messageFor(value: object): string {
    try {
      checkOptionNames(value, table, carried);
    } catch (error) {
      expect(error).toBeInstanceOf(JwtAuthConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a JwtAuthConfigError');
  }

  it('accepts known names, and values that are not objects where objects may be', () => {
    expect(() =>
      checkOptionNames(
        { plain: { anything: 1 }, cookie: 'a-name', list: [{ name: 'x' }, 'a string'], hooks: null },
        table,
      ),
    ).not.toThrow();
  });

  it('names an unknown name at the top level, with a near name', () => {
    expect(messageFor({ plian: 1 })).toBe('nest-rest-jwt: option "plian" is unknown: did you mean "plain"?');
  });

  it('gives the advice for a name carried over from another library', () => {
    expect(messageFor({ old: 1 })).toBe(
      'nest-rest-jwt: option "old" is unknown (it is another-library\'s name): did you mean "plain"?',
    );
  });

  it('names the path of a nested name, and lists the names there when none is near', () => {
    expect(messageFor({ cookie: { nmae: 'x' } })).toBe(
      'nest-rest-jwt: option "cookie.nmae" is unknown: did you mean "cookie.name"?',
    );
    expect(messageFor({ cookie: { secure: true } })).toBe(
      'nest-rest-jwt: option "cookie.secure" is unknown: cookie takes name or maxAge',
    );
  });

  it('checks each entry of a list of options objects, naming its index', () => {
    expect(messageFor({ list: [{ name: 'a' }, { name: 'b', maxage: 1 }] })).toBe(
      'nest-rest-jwt: option "list[1].maxage" is unknown: did you mean "list[1].maxAge"?',
    );
  });

  it('checks a plain object where plainOnly, and leaves a class instance alone', () => {
    class Hooks {
      constructor(readonly database: object) {}
      onEvent() {}
    }
    expect(() => checkOptionNames({ hooks: new Hooks({}) }, table)).not.toThrow();
    expect(messageFor({ hooks: { onEvnt: () => undefined } })).toBe(
      'nest-rest-jwt: option "hooks.onEvnt" is unknown: did you mean "hooks.onEvent"?',
    );
  });

  it('carried-over names apply at the top level only', () => {
    expect(messageFor({ cookie: { old: 1 } })).toBe(
      'nest-rest-jwt: option "cookie.old" is unknown: cookie takes name or maxAge',
    );
  });
});
