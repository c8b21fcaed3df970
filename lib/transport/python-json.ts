/**
 * JSON read as djangorestframework's JSONParser reads it: Python's `json.load` (its C scanner),
 * with DRF's `strict_constant` refusing NaN and Infinity. What differs from JSON.parse is what a
 * client can see: the error messages (Python's, with line, column and character position), a
 * byte order mark refused, and numbers kept as Python has them (`1.0` is a float, `1e16` reads
 * back as "1e+16"), since DRF's CharField takes `str()` of a number.
 */

/** A JSON number as Python holds it: its type, and `str()` of its value. */
export class PyNumber {
  constructor(
    readonly type: 'int' | 'float',
    readonly text: string,
  ) {}
}

/** A JSON value as Python's json module gives it. Objects have no prototype. */
export type PyJson = string | boolean | null | PyNumber | PyJson[] | { [key: string]: PyJson };

/** Python's ValueError text (JSONDecodeError or DRF's strict_constant). */
export class PyJsonError extends Error {}

/**
 * Deeper than this, CPython raises RecursionError (the default limit is 1,000 frames), which
 * DRF does not catch: upstream answers 500. Here it is a parse error with that text.
 */
const MAX_DEPTH = 900;

/** `sys.get_int_max_str_digits()` by default (Python 3.11, and the security releases before it). */
const MAX_INT_DIGITS = 4300;

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** `json.loads(text, parse_constant=strict_constant)`; throws PyJsonError with Python's message. */
export function parsePythonJson(text: string): PyJson {
  // Python indexes code points; one array entry per code point keeps positions the same.
  return new Scanner(Array.from(text)).document();
}

class Scanner {
  private depth = 0;

  constructor(private readonly s: readonly string[]) {}

  document(): PyJson {
    if (this.s[0] === '\ufeff') throw this.error('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    const [value, end] = this.value(this.skip(0));
    const last = this.skip(end);
    if (last !== this.s.length) throw this.error('Extra data', last);
    return value;
  }

  private skip(idx: number): number {
    while (idx < this.s.length && WHITESPACE.has(this.s[idx])) idx++;
    return idx;
  }

  /** `scan_once`: a value at idx, and the index after it; "Expecting value" when there is none. */
  private value(idx: number): [PyJson, number] {
    const s = this.s;
    if (idx >= s.length) throw this.error('Expecting value', idx);
    switch (s[idx]) {
      case '"':
        return this.string(idx + 1);
      case '{':
        return this.nested(() => this.object(idx + 1));
      case '[':
        return this.nested(() => this.array(idx + 1));
      case 'n':
        if (this.word(idx, 'null')) return [null, idx + 4];
        break;
      case 't':
        if (this.word(idx, 'true')) return [true, idx + 4];
        break;
      case 'f':
        if (this.word(idx, 'false')) return [false, idx + 5];
        break;
      case 'N':
        if (this.word(idx, 'NaN')) throw this.constant('NaN');
        break;
      case 'I':
        if (this.word(idx, 'Infinity')) throw this.constant('Infinity');
        break;
      case '-':
        if (this.word(idx, '-Infinity')) throw this.constant('-Infinity');
        break;
    }
    return this.number(idx);
  }

  private word(idx: number, word: string): boolean {
    return this.s.slice(idx, idx + word.length).join('') === word;
  }

  private constant(name: string): PyJsonError {
    return new PyJsonError(`Out of range float values are not JSON compliant: '${name}'`);
  }

  private nested(parse: () => [PyJson, number]): [PyJson, number] {
    if (++this.depth > MAX_DEPTH) {
      throw new PyJsonError('maximum recursion depth exceeded while decoding a JSON document');
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private object(start: number): [PyJson, number] {
    const s = this.s;
    const result: { [key: string]: PyJson } = Object.create(null);
    let idx = this.skip(start);
    if (s[idx] !== '}') {
      for (;;) {
        if (s[idx] !== '"') throw this.error('Expecting property name enclosed in double quotes', idx);
        const [key, afterKey] = this.string(idx + 1);
        idx = this.skip(afterKey);
        if (s[idx] !== ':') throw this.error("Expecting ':' delimiter", idx);
        const [value, afterValue] = this.value(this.skip(idx + 1));
        result[key] = value;
        idx = this.skip(afterValue);
        if (s[idx] === '}') break;
        if (s[idx] !== ',') throw this.error("Expecting ',' delimiter", idx);
        idx = this.skip(idx + 1);
      }
    }
    return [result, idx + 1];
  }

  private array(start: number): [PyJson, number] {
    const s = this.s;
    const result: PyJson[] = [];
    let idx = this.skip(start);
    if (s[idx] !== ']') {
      for (;;) {
        const [value, afterValue] = this.value(idx);
        result.push(value);
        idx = this.skip(afterValue);
        if (s[idx] === ']') break;
        if (s[idx] !== ',') throw this.error("Expecting ',' delimiter", idx);
        idx = this.skip(idx + 1);
      }
    }
    return [result, idx + 1];
  }

  /** `scanstring_unicode`, strict: `end` is the index after the opening quote. */
  private string(end: number): [string, number] {
    const s = this.s;
    const begin = end - 1;
    let text = '';
    for (;;) {
      let next = end;
      for (; next < s.length; next++) {
        const c = s[next];
        if (c === '"' || c === '\\') break;
        if (c.codePointAt(0)! <= 0x1f) throw this.error('Invalid control character at', next);
      }
      if (next >= s.length) throw this.error('Unterminated string starting at', begin);
      text += s.slice(end, next).join('');
      if (s[next] === '"') return [text, next + 1];
      next++;
      if (next === s.length) throw this.error('Unterminated string starting at', begin);
      const escape = s[next];
      if (escape !== 'u') {
        end = next + 1;
        if (!Object.hasOwn(ESCAPES, escape)) throw this.error('Invalid \\escape', end - 2);
        text += ESCAPES[escape];
        continue;
      }
      next++;
      end = next + 4;
      if (end >= s.length) throw this.error('Invalid \\uXXXX escape', next - 1);
      let code = this.hex4(next, end);
      if (code >= 0xd800 && code <= 0xdbff && end + 6 < s.length && s[end] === '\\' && s[end + 1] === 'u') {
        const low = this.hex4(end + 2, end + 6);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + (((code - 0xd800) << 10) | (low - 0xdc00));
          end += 6;
        }
      }
      text += String.fromCodePoint(code);
    }
  }

  private hex4(start: number, end: number): number {
    const digits = this.s.slice(start, end).join('');
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw this.error('Invalid \\uXXXX escape', end - 5);
    return parseInt(digits, 16);
  }

  /** `_match_number_unicode`. */
  private number(start: number): [PyJson, number] {
    const s = this.s;
    const last = s.length - 1;
    const digit = (i: number) => i <= last && s[i] >= '0' && s[i] <= '9';
    let idx = start;
    if (s[idx] === '-') {
      idx++;
      if (idx > last) throw this.error('Expecting value', start);
    }
    if (s[idx] >= '1' && s[idx] <= '9') {
      idx++;
      while (digit(idx)) idx++;
    } else if (s[idx] === '0') {
      idx++;
    } else {
      throw this.error('Expecting value', start);
    }
    let isFloat = false;
    if (idx < last && s[idx] === '.' && digit(idx + 1)) {
      isFloat = true;
      idx += 2;
      while (digit(idx)) idx++;
    }
    if (idx < last && (s[idx] === 'e' || s[idx] === 'E')) {
      const exponentStart = idx;
      idx++;
      if (idx < last && (s[idx] === '-' || s[idx] === '+')) idx++;
      while (digit(idx)) idx++;
      if (digit(idx - 1)) isFloat = true;
      else idx = exponentStart;
    }
    const literal = s.slice(start, idx).join('');
    return [isFloat ? new PyNumber('float', pythonFloatText(Number(literal))) : pythonInt(literal), idx];
  }

  /** JSONDecodeError's text: `msg: line L column C (char P)`. */
  private error(message: string, pos: number): PyJsonError {
    let line = 1;
    let lineStart = -1;
    for (let i = 0; i < pos && i < this.s.length; i++) {
      if (this.s[i] === '\n') {
        line++;
        lineStart = i;
      }
    }
    return new PyJsonError(`${message}: line ${line} column ${pos - lineStart} (char ${pos})`);
  }
}

/** Python's int: exact; `-0` is 0. Python refuses to convert more than 4,300 digits. */
function pythonInt(literal: string): PyNumber {
  const digits = literal.replace('-', '').length;
  if (digits > MAX_INT_DIGITS) {
    throw new PyJsonError(
      `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits} digits; ` +
        'use sys.set_int_max_str_digits() to increase the limit',
    );
  }
  return new PyNumber('int', literal === '-0' ? '0' : literal);
}

/** Python's `repr(float)`: the shortest round-trip digits, in exponent form outside 1e-4 to 1e16. */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  const decimalPoint = exponent + 1;
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const exponentSign = exponent < 0 ? '-' : '+';
  return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
