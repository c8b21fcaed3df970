import { TokenUser } from '../../lib/users/token-user.js';
import { UserCache } from '../../lib/users/user-cache.js';

describe('UserCache', () => {
  it('returns a user until its ttl passes, then forgets it', () => {
    const cache = new UserCache<{ name: string }>(2);
    cache.set('admin', { name: 'admin' }, 1_000);
    expect(cache.get('admin', 2_999)).toEqual({ name: 'admin' });
    expect(cache.get('admin', 3_000)).toBeUndefined();
    expect(cache.get('admin', 2_000)).toBeUndefined(); // forgotten, not merely hidden
  });

  it('keeps at most maxEntries users, dropping the oldest first', () => {
    const cache = new UserCache<number>(60, 2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, 2, 3]);
  });
});

describe('TokenUser', () => {
  it('exposes the id, username and email the token carries, and every claim', () => {
    const payload = Object.freeze({ user_id: 'u-1', username: 'admin', email: 'a@example.com', exp: 1, role: 'x' });
    const user = new TokenUser('admin', payload);
    expect({ id: user.id, username: user.username, email: user.email }).toEqual({
      id: 'u-1',
      username: 'admin',
      email: 'a@example.com',
    });
    expect(user.payload.role).toBe('x');
  });

  it('has no email when the claim is not a string', () => {
    expect(new TokenUser('admin', { username: 'admin', email: 42 as unknown as string }).email).toBeUndefined();
  });
});
