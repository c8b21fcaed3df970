import { describe, expect, it } from '@jest/globals';
import { parsePythonJson, PyJsonError, PyNumber } from '../../lib/transport/python-json.js';

/**
 * The JSON reader of the token endpoints against CPython's json module (3.11, the C scanner,
 * with DRF's strict_constant): every expected text below is what Python printed for the input.
 */

/** [input, str(ValueError)] from `json.loads(input, parse_constant=strict_constant)`. */
const PYTHON_ERRORS: [string, string][] = [
  ['{"token": "abc"', "Expecting ',' delimiter: line 1 column 16 (char 15)"],
  ['{"token":"abc",}', 'Expecting property name enclosed in double quotes: line 1 column 16 (char 15)'],
  ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
  ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
  ['"\\x"', 'Invalid \\escape: line 1 column 2 (char 1)'],
  ['"\\u12"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
  ['"\\ud800\\u12zz"', 'Invalid \\uXXXX escape: line 1 column 9 (char 8)'],
  ['1.', 'Extra data: line 1 column 2 (char 1)'],
  ['-', 'Expecting value: line 1 column 1 (char 0)'],
  ['01', 'Extra data: line 1 column 2 (char 1)'],
  ['1e', 'Extra data: line 1 column 2 (char 1)'],
  ['[[[', 'Expecting value: line 1 column 4 (char 3)'],
  ['{"a":1}x', 'Extra data: line 1 column 8 (char 7)'],
  ['tru', 'Expecting value: line 1 column 1 (char 0)'],
  ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
  ['', 'Expecting value: line 1 column 1 (char 0)'],
  ['  \n  ', 'Expecting value: line 2 column 3 (char 5)'],
  ['{"a":"b\nc"}', 'Invalid control character at: line 1 column 8 (char 7)'],
  ['\n\n{', 'Expecting property name enclosed in double quotes: line 3 column 2 (char 3)'],
  ['{"a":NaN}', "Out of range float values are not JSON compliant: 'NaN'"],
  ['[Infinity]', "Out of range float values are not JSON compliant: 'Infinity'"],
  ['-Infinity', "Out of range float values are not JSON compliant: '-Infinity'"],
  ['{"é😀":1,}', 'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)'],
  ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
  ['{1:2}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
  ['{"a":1 "b":2}', "Expecting ',' delimiter: line 1 column 8 (char 7)"],
  ['"\\', 'Unterminated string starting at: line 1 column 1 (char 0)'],
];

/** [input, str(float(input))]: Python's repr of the float a JSON number gives. */
const PYTHON_FLOATS: [string, string][] = [
  ['1.0', '1.0'],
  ['1e16', '1e+16'],
  ['1e15', '1000000000000000.0'],
  ['123456789012345678.0', '1.2345678901234568e+17'],
  ['0.0001', '0.0001'],
  ['0.00001', '1e-05'],
  ['-0.0', '-0.0'],
  ['1.5e300', '1.5e+300'],
  ['1e400', 'inf'],
  ['-1e400', '-inf'],
  ['2.5', '2.5'],
  ['100.0', '100.0'],
  ['1E2', '100.0'],
  ['0.1', '0.1'],
  ['1e-7', '1e-07'],
  ['12345.678e3', '12345678.0'],
];

function errorOf(text: string): string {
  try {
    parsePythonJson(text);
  } catch (error) {
    if (error instanceof PyJsonError) return error.message;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} was parsed`);
}

describe('parsePythonJson (Python json.loads with DRF strict_constant)', () => {
  it.each(PYTHON_ERRORS)('%j: %s', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('refuses a byte order mark as Python does', () => {
    expect(errorOf('\ufeff{}')).toBe('Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
  });

  it.each(PYTHON_FLOATS)('reads the float %s as Python prints it: %s', (text, printed) => {
    expect(parsePythonJson(text)).toEqual(new PyNumber('float', printed));
  });

  it('keeps integers exact, whatever their length, and -0 as 0', () => {
    expect(parsePythonJson('[12345678901234567890123, -0, 42]')).toEqual([
      new PyNumber('int', '12345678901234567890123'),
      new PyNumber('int', '0'),
      new PyNumber('int', '42'),
    ]);
  });

  it('refuses an integer of more than 4,300 digits, as Python 3.11 does', () => {
    expect(errorOf('1'.repeat(5000))).toBe(
      'Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; ' +
        'use sys.set_int_max_str_digits() to increase the limit',
    );
  });

  it('decodes escapes and surrogate pairs, and keeps a lone surrogate', () => {
    expect(parsePythonJson('"\\u00e9\\ud83d\\ude00\\ud800x\\n"')).toBe('é😀\ud800x\n');
  });

  it('gives objects without a prototype, the last of repeated keys winning', () => {
    const value = parsePythonJson('{"__proto__": {"a": 1}, "k": 1, "k": true}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(['__proto__', 'k']);
    expect(value.k).toBe(true);
  });

  it('refuses deep nesting with a parse error (CPython: RecursionError, a 500 upstream)', () => {
    expect(errorOf('['.repeat(5000) + ']'.repeat(5000))).toMatch(/^maximum recursion depth exceeded/);
  });
});
