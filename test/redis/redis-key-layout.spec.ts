import { describe, expect, it } from '@jest/globals';
import { clusterSlot, RedisKeyLayout } from '../../lib/redis/redis-key-layout.js';

describe('clusterSlot: the slot Redis Cluster gives a key', () => {
  it('is CRC16/XMODEM mod 16384 of the key, as in the Redis Cluster specification', () => {
    // The specification's check value: CRC16("123456789") = 0x31C3.
    expect(clusterSlot('123456789')).toBe(0x31c3 % 16384);
    expect(clusterSlot('foo')).toBe(12182);
    expect(clusterSlot('bar')).toBe(5061);
  });

  it('hashes only the hash tag: the first {...} that is not empty', () => {
    expect(clusterSlot('{user1000}.following')).toBe(clusterSlot('user1000'));
    expect(clusterSlot('{user1000}.followers')).toBe(clusterSlot('user1000'));
    expect(clusterSlot('foo{}{bar}')).toBe(clusterSlot('foo{}{bar}')); // empty first tag: the whole key
    expect(clusterSlot('foo{}{bar}')).not.toBe(clusterSlot('bar'));
    expect(clusterSlot('foo{{bar}}zap')).toBe(clusterSlot('{bar'));
    expect(clusterSlot('foo{bar}{zap}')).toBe(clusterSlot('bar'));
  });
});

describe('RedisKeyLayout: every key of a subject in one slot', () => {
  const layout = new RedisKeyLayout('app:');
  const subjects = ['alice', '', 'x}:t:y', '{admin}', '100% sure', 'ü 名前', '}{', '%7b'];

  it('puts the subject, token and family keys of a subject in the same slot', () => {
    for (const subject of subjects) {
      const slot = clusterSlot(layout.subjectKey(subject));
      expect(clusterSlot(layout.tokenKey(subject, 'jti-1'))).toBe(slot);
      expect(clusterSlot(layout.familyKey(subject, 'family }{ 1'))).toBe(slot);
    }
  });

  it('never gives two subjects, or two kinds of id, the same key', () => {
    const keys = subjects.flatMap((subject) => [
      layout.subjectKey(subject),
      layout.tokenKey(subject, 'x'),
      layout.familyKey(subject, 'x'),
      layout.tokenKey(subject, 'y}:t:x'),
    ]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(layout.tokenKey('alice', 'j')).toBe('app:{alice}:t:j');
    expect(layout.subjectKey('{admin}')).toBe('app:{%7badmin%7d}:s');
    expect(layout.familyKey('', 'f')).toBe('app:{%}:f:f');
  });

  it('refuses a prefix with braces', () => {
    expect(() => new RedisKeyLayout('a{b}:')).toThrow('must not contain { or }');
  });
});
