/**
 * The value of `key` in a record of header-like entries (metadata, connection parameters),
 * its name matched without regard to case as HTTP header names are. Buffers are read as UTF-8.
 * Two entries that differ only in case come back as an array, which the Authorization parser
 * refuses as it refuses a repeated header: never a guess between two credentials.
 */
export function caseInsensitiveValue(record: unknown, key: string): unknown {
  if (record === null || typeof record !== 'object') return undefined;
  const wanted = key.toLowerCase();
  const values = Object.entries(record)
    .filter(([name, value]) => name.toLowerCase() === wanted && value !== undefined && value !== null)
    .map(([, value]) => textOf(value));
  return values.length > 1 ? values : values[0];
}

/** A Buffer (Kafka headers, gRPC binary metadata) as text; one-element arrays as their element. */
export function textOf(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value) && value.length === 1) return textOf(value[0]);
  if (Array.isArray(value)) return value.map(textOf);
  return value;
}
