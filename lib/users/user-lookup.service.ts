import { verifyAgainstDummyHash } from '../passwords/password-hashing.js';
import { TokenUser } from './token-user.js';

/**
 * What nest-rest-jwt needs to know about the app's users. The app provides a subclass
 * (`{ provide: UserLookupService, useClass: MyUsers }`); the module never touches a database.
 *
 * The getters have defaults that read the usual property names (`id`, `username`, `email`,
 * `isActive`/`is_active`); override them when the user object is shaped otherwise.
 */
export abstract class UserLookupService<TUser extends object = object> {
  /** The user with this username, or null/undefined. Called for logins and for every token. */
  abstract findByUsername(username: string): Promise<TUser | null | undefined>;

  /**
   * The user a login names: `value` is what the client sent in the `usernameField` field
   * (`field`; `'username'` by default). By default `findByUsername(value)`: override it when
   * users log in by another field (`usernameField: 'email'`), so that tokens keep naming users
   * by their username (`getUsername`), which `findByUsername` resolves.
   */
  findForLogin(value: string, field: string): Promise<TUser | null | undefined> {
    void field;
    return this.findByUsername(value);
  }

  /**
   * The user whose id (`simpleJwt.userIdField`, as text) is this, or null/undefined: how the
   * simplejwt protocol finds the user a token names (never by username, which can be renamed
   * and reused). Required with `tokenProtocol: 'simplejwt'` or `'both'`: without it the app
   * does not start.
   */
  findById?(id: string): Promise<TUser | null | undefined>;

  /**
   * With `simpleJwt.updateLastLogin`: called after each successful login at simplejwt's obtain
   * endpoint (Django's `update_last_login`). Required then: without it the app does not start.
   */
  updateLastLogin?(user: TUser): Promise<void>;

  /**
   * The user's stored password hash (Django's `user.password`, e.g. `pbkdf2_sha256$...`), for
   * `simpleJwt.checkRevokeToken`: tokens carry its digest, and a password change refuses older
   * ones. The default reads `password`; return undefined for a user with none.
   */
  getPasswordHash(user: TUser): string | undefined {
    const hash = (user as { password?: unknown }).password;
    return typeof hash === 'string' ? hash : undefined;
  }

  /** Whether `password` is this user's password. Compare in constant time; never log it. */
  abstract verifyPassword(user: TUser, password: string): Promise<boolean>;

  /**
   * Called at a login whose username matches no user, with the password sent: it should cost
   * what `verifyPassword` costs, so that an unknown username answers as slowly as a wrong
   * password (no user enumeration by timing). The default runs one Django pbkdf2_sha256
   * verification at 1,200,000 iterations against a dummy hash. Override it to use the same
   * hasher and cost as `verifyPassword`, e.g. `return this.hasher.verifyDummy(password)` with a
   * DjangoPasswordHasher. Its result is ignored; the login fails either way.
   */
  async verifyDummyPassword(password: string): Promise<void> {
    await verifyAgainstDummyHash(password);
  }

  /** The `user_id` claim. Strings are kept as they are (UUIDs), numbers as numbers. */
  getUserId(user: TUser): string | number {
    const id = (user as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return id;
    return String(id);
  }

  getUsername(user: TUser): string {
    return String((user as { username?: unknown }).username);
  }

  /**
   * The `email` claim. As upstream with Django's User, whose email is `''` when it has none,
   * every token carries it: `''` for a user without an email. Override it to return undefined
   * (or null) to leave the claim out, as upstream does for a user model with no email field.
   */
  getEmail(user: TUser): string | null | undefined {
    const email = (user as { email?: unknown }).email;
    return typeof email === 'string' ? email : '';
  }

  /** Inactive users cannot log in, and their tokens are refused. */
  isActive(user: TUser): boolean {
    const flags = user as { isActive?: unknown; is_active?: unknown };
    const flag = flags.isActive ?? flags.is_active;
    return flag === undefined ? true : Boolean(flag);
  }

  /**
   * Django's `is_staff`, which `IsAdminUser` reads (`nest-rest-jwt/permissions`). The default
   * reads `isStaff`, else `is_staff` (of the token's claims for a stateless `TokenUser`); a user
   * with neither is not staff.
   */
  isStaff(user: TUser): boolean {
    const source: object = user instanceof TokenUser ? user.payload : user;
    const flags = source as { isStaff?: unknown; is_staff?: unknown };
    const flag = flags.isStaff ?? flags.is_staff;
    return flag === true || flag === 1;
  }
}
