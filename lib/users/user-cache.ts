/**
 * Users the guard looked up, kept for a short time by username (`userCacheTtl`), so a busy
 * client does not cost a database query per request. Bounded: the oldest entry goes first.
 */
export class UserCache<TUser> {
  private readonly entries = new Map<string, { user: TUser; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(username: string, now = Date.now()): TUser | undefined {
    const entry = this.entries.get(username);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry.user;
    this.entries.delete(username);
    return undefined;
  }

  set(username: string, user: TUser, now = Date.now()): void {
    this.entries.delete(username);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(username, { user, expiresAt: now + this.ttlSeconds * 1000 });
  }
}
