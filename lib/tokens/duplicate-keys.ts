/**
 * Whether a JSON text (already known to be valid) has an object with the same key twice.
 * JSON.parse keeps the last one silently and other parsers may keep the first, so a token
 * that relies on it means different things to different verifiers: it is refused.
 */
export function hasDuplicateKeys(json: string): boolean {
  const keySets: (Set<string> | null)[] = []; // one entry per open object or array (null)
  let expectingKey = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '"') {
      const end = stringEnd(json, i);
      const current = keySets[keySets.length - 1];
      if (expectingKey && current) {
        // Unescaped keys (nearly all) are compared as written; escaped ones once decoded.
        const raw = json.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (current.has(key)) return true;
        current.add(key);
        expectingKey = false;
      }
      i = end;
    } else if (char === '{') {
      keySets.push(new Set());
      expectingKey = true;
    } else if (char === '[') {
      keySets.push(null);
    } else if (char === '}' || char === ']') {
      keySets.pop();
    } else if (char === ',') {
      expectingKey = keySets[keySets.length - 1] !== null;
    }
  }
  return false;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(json: string, start: number): number {
  let i = start + 1;
  while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i;
}
