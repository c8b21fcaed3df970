import { JwtAuthConfigError } from './errors.js';

/**
 * What the value of a known option is, for the check of option names:
 * - `'value'`: not an options object (a scalar, a callback, a key, or an object of the app's,
 *   such as a store), so its fields are never checked;
 * - `{ object }`: an options object whose names are checked when the value is an object (a
 *   string or a boolean in its place is the value's own business); with `plainOnly`, only a
 *   plain object is checked (a class instance of the app's may well have fields of its own);
 * - `{ each }`: an array of options objects, each checked.
 */
export type NameRule =
  'value' | { readonly object: NameTable; readonly plainOnly?: boolean } | { readonly each: NameTable };

/** The known names of one options object, each with what its value is. */
export type NameTable = { readonly [name: string]: NameRule };

/** A name people carry over from another library, and what to say instead of a near name. */
export interface CarriedOverName {
  /** Where the name comes from: "@nestjs/jwt", "passport-jwt"... */
  readonly from: string;
  /** The advice: 'did you mean "expirationDelta"?', or where its parts go. */
  readonly advice: string;
}

/**
 * Checks every name of an options object and of the options objects inside it (depth first,
 * in the order given). Throws JwtAuthConfigError for the first unknown one, naming its path
 * (`loginThrottle.limt`, `verifyKeys[0].alg`), with a near name when there is one.
 * `carriedOver` applies at the top level only.
 */
export function checkOptionNames(
  value: object,
  table: NameTable,
  carriedOver: Readonly<Record<string, CarriedOverName>> = {},
  path = '',
): void {
  for (const name of Object.keys(value)) {
    const option = path === '' ? name : `${path}.${name}`;
    const rule = Object.hasOwn(table, name) ? table[name] : undefined;
    if (rule === undefined) throw unknownOption(option, name, Object.keys(table), path === '' ? carriedOver : {});
    checkInside((value as Record<string, unknown>)[name], rule, option);
  }
}

function checkInside(value: unknown, rule: NameRule, option: string): void {
  if (rule === 'value' || value === null || typeof value !== 'object') return;
  if ('each' in rule) {
    if (!Array.isArray(value)) return;
    value.forEach((entry: unknown, index) => {
      if (entry !== null && typeof entry === 'object') checkOptionNames(entry, rule.each, {}, `${option}[${index}]`);
    });
    return;
  }
  if (Array.isArray(value)) return;
  if (rule.plainOnly === true) {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return;
  }
  checkOptionNames(value, rule.object, {}, option);
}

/** The error for an unknown name: a carried-over name's advice, a near name, or the names there are. */
export function unknownOption(
  option: string,
  name: string,
  names: readonly string[],
  carriedOver: Readonly<Record<string, CarriedOverName>> = {},
): JwtAuthConfigError {
  const carried = Object.hasOwn(carriedOver, name) ? carriedOver[name] : undefined;
  if (carried !== undefined) {
    return new JwtAuthConfigError(option, `is unknown (it is ${carried.from}'s name): ${carried.advice}`);
  }
  const prefix = option.slice(0, option.length - name.length);
  const near = nearestName(name, names);
  if (near !== undefined) return new JwtAuthConfigError(option, `is unknown: did you mean "${prefix}${near}"?`);
  if (prefix === '') return new JwtAuthConfigError(option, 'is unknown: see the options in the README ("Options")');
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return new JwtAuthConfigError(option, `is unknown: ${prefix.slice(0, -1)} takes ${list}`);
}

/**
 * The known name nearest to a given one, if near enough to be a slip: the same name in another
 * case, one that starts with the other (`header` for `headerName`, `alg` for `algorithm`), one
 * that shares its first half (`onLoginSucess` for `onLoginSucceeded`), or one a few edits away
 * (a letter missing, added, changed, or two letters swapped). The fewest edits win.
 */
export function nearestName(given: string, known: readonly string[]): string | undefined {
  const lower = given.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    const distance = editDistance(lower, candidate);
    const near =
      distance <= allowedEdits(given.length) ||
      (Math.min(lower.length, candidate.length) >= 3 && (candidate.startsWith(lower) || lower.startsWith(candidate))) ||
      commonPrefix(lower, candidate) >= Math.max(4, Math.ceil(lower.length / 2));
    if (near && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length += 1;
  return length;
}

/** The edits a slip of a name this long may have: 1 up to 4 letters, 2 up to 8, then 3. */
function allowedEdits(length: number): number {
  return length <= 4 ? 1 : length <= 8 ? 2 : 3;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < columns; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
