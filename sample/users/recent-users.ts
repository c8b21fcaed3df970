import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** The longest a user is kept, for file systems that report no changes (some network mounts). */
const MAX_AGE_MS = 1000;
const MAX_ENTRIES = 1000;

/**
 * Users the guard read from the SQLite file, kept until the file changes. The sample's guard
 * looks the user up on every request; reading SQLite costs two file locks, dear system calls on
 * some machines. The directory is watched, and any change to the database or its journal
 * (`npm run users` in another process, or a write by this one) forgets every user at once, before
 * the next request is read: the change still applies at the next request. Where changes go
 * unreported, a user is kept at most a second.
 */
export class RecentUsers<TUser> {
  private readonly users = new Map<string, { user: TUser; readAt: number }>();
  private watcher?: FSWatcher;

  constructor(databaseFile: string) {
    const name = basename(databaseFile);
    try {
      // Not persistent: a watcher must not keep a process alive that has nothing else to do.
      this.watcher = watch(dirname(databaseFile), { persistent: false }, (_event, changed) => {
        // `changed` can be null on some platforms: then anything may have changed.
        if (changed === null || changed.startsWith(name)) this.users.clear();
      });
      this.watcher.on('error', () => this.stop());
    } catch {
      // No watcher (no inotify watches left, say): nothing is kept, every lookup reads the file.
    }
  }

  get(username: string, now = Date.now()): TUser | undefined {
    const entry = this.users.get(username);
    return entry !== undefined && now - entry.readAt < MAX_AGE_MS ? entry.user : undefined;
  }

  set(username: string, user: TUser, now = Date.now()): void {
    if (this.watcher === undefined) return;
    if (this.users.size >= MAX_ENTRIES) this.users.clear();
    this.users.set(username, { user, readAt: now });
  }

  /** Stops watching and forgets everything (when the app closes, or when the watcher fails). */
  stop(): void {
    this.users.clear();
    this.watcher?.close();
    this.watcher = undefined;
  }
}
