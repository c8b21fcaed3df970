/**
 * Where the store keeps what it knows of one subject (a username): every key of a subject
 * carries the same hash tag, `{<subject>}`, so that in a Redis Cluster they all live in one slot.
 * A lookup then reads the subject, token and family keys it needs in one MGET on one node, and
 * every write for a token (its mark, its chain, its subject) lands on the node that lookup reads.
 *
 *   <prefix>{<subject>}:s            the subject's revocation time (log out everywhere)
 *   <prefix>{<subject>}:t:<jti>      'revoked' or 'replaced'
 *   <prefix>{<subject>}:f:<family>   a revoked refresh chain
 *   <prefix>{<subject>}:g:<jti>      a replaced token's successor, for the rotation grace period
 *
 * In the tag, `%`, `{` and `}` are percent-encoded: the tag ends at the first `}` (Redis's rule),
 * and two subjects never share a key. The prefix may not hold braces (it would move the tag).
 */
export class RedisKeyLayout {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) {
      throw new TypeError('nest-rest-jwt: RedisRevocationStore prefix must not contain { or } (they make hash tags)');
    }
  }

  /** The part every key of `subject` starts with: the prefix and the hash tag. */
  subject(subject: string): string {
    return `${this.prefix}{${encodeTag(subject)}}`;
  }

  subjectKey(subject: string): string {
    return `${this.subject(subject)}:s`;
  }

  tokenKey(subject: string, jti: string): string {
    return `${this.subject(subject)}:t:${jti}`;
  }

  successorKey(subject: string, jti: string): string {
    return `${this.subject(subject)}:g:${jti}`;
  }

  familyKey(subject: string, family: string): string {
    return `${this.subject(subject)}:f:${family}`;
  }
}

/** `%`, `{`, `}` percent-encoded; an empty subject is `%` (no encoded text is a lone `%`). */
function encodeTag(subject: string): string {
  if (subject === '') return '%';
  return /[%{}]/.test(subject) ? subject.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16)}`) : subject;
}

/**
 * The cluster slot of a key (CRC16/XMODEM of its hash tag, or of the whole key, mod 16384), as
 * Redis computes it: which node owns a key, to ask that node about its replicas.
 */
export function clusterSlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  let start = bytes.indexOf(0x7b); // {
  let end = bytes.length;
  if (start !== -1) {
    const close = bytes.indexOf(0x7d, start + 1); // }
    if (close > start + 1) end = close;
    else start = -1;
  }
  let crc = 0;
  for (let i = start === -1 ? 0 : start + 1; i < end; i++) {
    crc ^= bytes[i] << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
