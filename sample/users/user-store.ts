import Database from 'better-sqlite3';
import { passwordHasher } from './passwords.js';

/** A user as the app sees it. `passwordHash` stays server-side: never put it in a response. */
export interface User {
  id: number;
  username: string;
  passwordHash: string;
  email: string | null;
  isActive: boolean;
  /** Django's is_staff: `IsAdminUser` lets staff in (the library's default `isStaff` reads it). */
  isStaff: boolean;
}

export interface NewUser {
  username: string;
  password: string;
  email?: string | null;
  isActive?: boolean;
  isStaff?: boolean;
}

interface UserRow {
  id: number;
  username: string;
  password: string;
  email: string | null;
  is_active: number;
  is_staff: number;
}

/** A mistake by whoever called the store (unknown user, taken username): shown without a stack. */
export class UserStoreError extends Error {
  override name = 'UserStoreError';
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL,
    email TEXT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    is_staff INTEGER NOT NULL DEFAULT 0
  )`;

/** A database made before the staff flag: the column is added, every user not staff. */
const ADD_STAFF_COLUMN = 'ALTER TABLE users ADD COLUMN is_staff INTEGER NOT NULL DEFAULT 0';

/** Django's username rule: letters, digits and @ . + - _ (at most 150 characters). */
const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]{1,150}$/u;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password,
    email: row.email,
    isActive: row.is_active !== 0,
    isStaff: row.is_staff !== 0,
  };
}

/**
 * The users table of one SQLite file. The server and `npm run users` open the same file, so
 * a change made by the command applies to the next request (tokens are checked against it).
 */
export class UserStore {
  private readonly findStatement;
  private readonly listStatement;

  private constructor(private readonly db: Database.Database) {
    // Write-ahead logging: a read (one per guarded request) costs less than half what it costs
    // with the default rollback journal (fewer file locks, no header read), and `npm run users`
    // can write while the server reads. The mode stays set in the file.
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(users)').all();
    if (!columns.some((column) => column.name === 'is_staff')) db.exec(ADD_STAFF_COLUMN);
    this.findStatement = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
    this.listStatement = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id');
  }

  /** Opens (and creates, if needed) the database file. */
  static open(file: string): UserStore {
    let db: Database.Database;
    try {
      db = new Database(file);
    } catch (error) {
      throw new UserStoreError(`Cannot open the user database ${file}: ${(error as Error).message}`);
    }
    return new UserStore(db);
  }

  get file(): string {
    return this.db.name;
  }

  find(username: string): User | undefined {
    const row = this.findStatement.get(username);
    return row && toUser(row);
  }

  /**
   * The user with this email address, when exactly one has it: an address two users share
   * names nobody (Django requires its USERNAME_FIELD to be unique).
   */
  findByEmail(email: string): User | undefined {
    const rows = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ? LIMIT 2').all(email);
    return rows.length === 1 ? toUser(rows[0]) : undefined;
  }

  /** The user with this id, or undefined. */
  findById(id: number): User | undefined {
    const row = this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row === undefined ? undefined : toUser(row);
  }

  list(): User[] {
    return this.listStatement.all().map(toUser);
  }

  async add(user: NewUser): Promise<User> {
    // Checked before hashing too, to fail fast; the UNIQUE constraint still decides races.
    if (this.find(user.username)) throw duplicateUser(user.username);
    const values = await this.checkedValues(user);
    try {
      const result = this.db
        .prepare('INSERT INTO users (username, password, email, is_active, is_staff) VALUES (?, ?, ?, ?, ?)')
        .run(...values);
      return this.byId(result.lastInsertRowid);
    } catch (error) {
      throw this.duplicate(error, user.username);
    }
  }

  /** Adds the user only if the table is empty (one statement, so two processes cannot both do it). */
  async addIfNoUsers(user: NewUser): Promise<User | undefined> {
    // Spares the password hashing on every start but the first.
    if (this.db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined) return undefined;
    const values = await this.checkedValues(user);
    const result = this.db
      .prepare(
        `INSERT INTO users (username, password, email, is_active, is_staff)
         SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)`,
      )
      .run(...values);
    return result.changes === 0 ? undefined : this.byId(result.lastInsertRowid);
  }

  setActive(username: string, active: boolean): User {
    const result = this.db.prepare('UPDATE users SET is_active = ? WHERE username = ?').run(active ? 1 : 0, username);
    if (result.changes === 0) throw unknownUser(username);
    return this.find(username) as User;
  }

  delete(username: string): void {
    const result = this.db.prepare('DELETE FROM users WHERE username = ?').run(username);
    if (result.changes === 0) throw unknownUser(username);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private async checkedValues(user: NewUser): Promise<[string, string, string | null, number, number]> {
    if (!USERNAME_PATTERN.test(user.username)) {
      throw new UserStoreError(
        `Invalid username ${JSON.stringify(user.username)}: use at most 150 letters, digits and @ . + - _`,
      );
    }
    if (user.password === '') throw new UserStoreError('The password must not be empty.');
    const email = user.email ?? null;
    if (email !== null && !EMAIL_PATTERN.test(email)) {
      throw new UserStoreError(`Invalid email address ${JSON.stringify(email)}.`);
    }
    const hash = await passwordHasher.hash(user.password);
    return [user.username, hash, email, user.isActive === false ? 0 : 1, user.isStaff === true ? 1 : 0];
  }

  private byId(id: number | bigint): User {
    const row = this.db.prepare<[number | bigint], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return toUser(row as UserRow);
  }

  private duplicate(error: unknown, username: string): unknown {
    const code = (error as { code?: unknown }).code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' ? duplicateUser(username) : error;
  }
}

function unknownUser(username: string): UserStoreError {
  return new UserStoreError(`There is no user named ${JSON.stringify(username)}.`);
}

function duplicateUser(username: string): UserStoreError {
  return new UserStoreError(`A user named ${JSON.stringify(username)} already exists.`);
}
