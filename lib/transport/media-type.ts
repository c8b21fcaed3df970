/**
 * Media types as djangorestframework reads them (`rest_framework.utils.mediatypes._MediaType`,
 * over Django's `parse_header`): the main value lower-cased, parameters by lower-cased name,
 * quoted values unquoted. DRF picks a body parser and a renderer with `match`, which ignores
 * `q` and lets `*` stand for anything on either side.
 */
export interface MediaType {
  readonly mainType: string;
  readonly subType: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Django's `_parse_header_params`: split on `;` outside double quotes, each part trimmed. */
function headerParts(value: string): string[] {
  const parts: string[] = [];
  let rest = `;${value}`;
  while (rest.startsWith(';')) {
    rest = rest.slice(1);
    let end = rest.indexOf(';');
    while (end > 0 && countQuotes(rest, end) % 2 === 1) end = rest.indexOf(';', end + 1);
    if (end < 0) end = rest.length;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end);
  }
  return parts;
}

function countQuotes(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (text[i] === '"') count++;
  return count;
}

/** Django's `parse_header`: the main value and the parameters (RFC 2231 values are not decoded). */
export function parseHeader(value: string): { key: string; params: Map<string, string> } {
  const [first, ...rest] = headerParts(value);
  const params = new Map<string, string>();
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    let name = part.slice(0, equals).trim().toLowerCase();
    if (name.endsWith('*')) name = name.slice(0, -1);
    let paramValue = part.slice(equals + 1).trim();
    if (paramValue.length >= 2 && paramValue.startsWith('"') && paramValue.endsWith('"')) {
      paramValue = paramValue.slice(1, -1).replaceAll('\\\\', '\\').replaceAll('\\"', '"');
    }
    params.set(name, paramValue);
  }
  return { key: first.toLowerCase(), params };
}

export function mediaType(value: string): MediaType {
  const { key, params } = parseHeader(value);
  const slash = key.indexOf('/');
  return slash < 0
    ? { mainType: key, subType: '', params }
    : { mainType: key.slice(0, slash), subType: key.slice(slash + 1), params };
}

/** DRF's `_MediaType(lhs).match(_MediaType(rhs))`: whether `lhs` satisfies `rhs`. */
export function mediaTypeMatches(lhs: string, rhs: string): boolean {
  const self = mediaType(lhs);
  const other = mediaType(rhs);
  for (const [key, value] of self.params) {
    if (key !== 'q' && other.params.get(key) !== value) return false;
  }
  if (self.subType !== '*' && other.subType !== '*' && other.subType !== self.subType) return false;
  return !(self.mainType !== '*' && other.mainType !== '*' && other.mainType !== self.mainType);
}
