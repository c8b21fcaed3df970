import { describe, expect, it, jest } from '@jest/globals';
import { createHmac } from 'node:crypto';
import passport from 'passport';
import { Strategy as PassportJwtStrategy } from 'passport-jwt';
import type { JwtAuthModuleOptions } from '../../lib/settings/jwt-auth-options.interface.js';
import type { JwtPayload } from '../../lib/common/jwt.js';
import { type JwtAuthSettings, resolveSettings } from '../../lib/settings/jwt-auth-settings.js';
import type { TokenAuthentication } from '../../lib/flows/token-authentication.js';
import { TokenRejectedError } from '../../lib/common/errors.js';
import { TokenVerifier } from '../../lib/tokens/token-verifier.js';
import { createJwtStrategy } from '../../lib/guards/jwt.strategy.js';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const USER = { id: 1, username: 'admin' };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A valid HS256 token, signed with node:crypto alone. */
function token(claims: JwtPayload = {}): string {
  const payload = { username: 'admin', exp: Math.floor(Date.now() / 1000) + 600, ...claims };
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/**
 * Passport's per-request actions. Passport adds success/fail/error to (a copy of) the strategy
 * for each request before calling authenticate(); in a unit test no Passport run happens, so
 * they are set on the instance here, as jest mocks, and the outcome is read from them.
 */
interface PassportActions {
  success: (user: object, info?: unknown) => void;
  fail: (challenge: unknown, status?: number) => void;
  error: (error: unknown) => void;
}
/** The strategy as Passport sees it (createJwtStrategy returns `object`). */
interface StrategyUnderTest extends PassportActions {
  authenticate(request: object): void;
}

type Request = { headers: Record<string, string> };

/**
 * A TokenAuthentication stand-in: authenticate is the real TokenVerifier followed by a mock user
 * lookup (revocation is proven end to end in test/lifecycle). The strategy calls only this, so
 * the cast to the class (which has private members) is narrow.
 */
type UserFromPayload = jest.Mock<(payload: JwtPayload) => Promise<object>>;
const findsUser = (): UserFromPayload => jest.fn(async (_payload: JwtPayload): Promise<object> => USER);

function stubService(settings: JwtAuthSettings, userFromPayload: UserFromPayload) {
  const verifier = new TokenVerifier(settings);
  const service: Pick<TokenAuthentication, 'authenticate'> = {
    authenticate: async (raw: string) => userFromPayload(await verifier.verifyAsync(raw)),
  };
  return { service: service as unknown as TokenAuthentication, userFromPayload };
}

function setup(options: Partial<JwtAuthModuleOptions> = {}, userFromPayload: UserFromPayload = findsUser()) {
  const settings = resolveSettings({ secretKey: SECRET, ...options });
  const stub = stubService(settings, userFromPayload);
  const strategy = createJwtStrategy(settings, stub.service);
  return { settings, strategy, userFromPayload: stub.userFromPayload };
}

/**
 * Runs authenticate() with mocked Passport actions and resolves once one of them has been
 * called (then one more macrotask, so that a second, unexpected call would be seen too).
 */
async function authenticate(strategy: object, request: Request) {
  const instance = strategy as unknown as StrategyUnderTest;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    settle = () => setImmediate(resolve);
  });
  const actions = {
    success: jest.fn((_user: object, _info?: unknown) => settle()),
    fail: jest.fn((_challenge: unknown, _status?: number) => settle()),
    error: jest.fn((_error: unknown) => settle()),
  };
  Object.assign(instance, actions);
  instance.authenticate(request);
  await settled;
  return actions;
}

/** The TokenRejectedError passed to fail(), asserting it is one. */
function rejectionOf(fail: jest.Mock<(challenge: unknown, status?: number) => void>): TokenRejectedError {
  expect(fail).toHaveBeenCalledTimes(1);
  const [challenge, status] = fail.mock.calls[0];
  expect(challenge).toBeInstanceOf(TokenRejectedError);
  expect(status).toBe(401);
  return challenge as TokenRejectedError;
}

describe('createJwtStrategy: authenticate() with the token the guard left on the request', () => {
  it('a valid token in the Authorization header: success(user), with the verified payload handed to userFromPayload', async () => {
    const { strategy, userFromPayload } = setup();
    const raw = token({ user_id: 1 });
    const { success, fail, error } = await authenticate(strategy, { headers: { authorization: `JWT ${raw}` } });
    expect(success).toHaveBeenCalledTimes(1);
    expect(success).toHaveBeenCalledWith(USER);
    expect(fail).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(userFromPayload).toHaveBeenCalledTimes(1);
    const [payload] = userFromPayload.mock.calls[0];
    expect(payload).toMatchObject({ username: 'admin', user_id: 1 });
    expect(Object.isFrozen(payload)).toBe(true);
  });

  it('a bad token: fail(TokenRejectedError "decode", 401), no user lookup', async () => {
    const { strategy, userFromPayload } = setup();
    const { success, fail, error } = await authenticate(strategy, { headers: { authorization: `JWT ${token()}x` } });
    expect(rejectionOf(fail).reason).toBe('decode');
    expect(success).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(userFromPayload).not.toHaveBeenCalled();
  });

  it('an expired token: fail(TokenRejectedError "expired", 401)', async () => {
    const { strategy } = setup();
    const expired = token({ exp: Math.floor(Date.now() / 1000) - 600 });
    const { fail } = await authenticate(strategy, { headers: { authorization: `JWT ${expired}` } });
    expect(rejectionOf(fail).reason).toBe('expired');
  });
});

describe('createJwtStrategy: authenticate() reading the header itself (AuthGuard(name) used directly)', () => {
  it('Authorization: JWT <token> (the default prefix): success(user)', async () => {
    const { strategy } = setup();
    const { success, fail } = await authenticate(strategy, { headers: { authorization: `JWT ${token()}` } });
    expect(success).toHaveBeenCalledWith(USER);
    expect(fail).not.toHaveBeenCalled();
  });

  it('the prefix is compared case-insensitively', async () => {
    const { strategy } = setup();
    const { success } = await authenticate(strategy, { headers: { authorization: `jwt ${token()}` } });
    expect(success).toHaveBeenCalledWith(USER);
  });

  it('with authHeaderPrefix "Bearer": Authorization: Bearer <token> succeeds', async () => {
    const { strategy } = setup({ authHeaderPrefix: 'Bearer' });
    const { success, fail } = await authenticate(strategy, { headers: { authorization: `Bearer ${token()}` } });
    expect(success).toHaveBeenCalledWith(USER);
    expect(fail).not.toHaveBeenCalled();
  });

  it('with authHeaderPrefix "Bearer": Authorization: JWT <token> is not ours (no token: decode)', async () => {
    const { strategy, userFromPayload } = setup({ authHeaderPrefix: 'Bearer' });
    const { success, fail } = await authenticate(strategy, { headers: { authorization: `JWT ${token()}` } });
    expect(rejectionOf(fail).reason).toBe('decode');
    expect(success).not.toHaveBeenCalled();
    expect(userFromPayload).not.toHaveBeenCalled();
  });

  it('no token at all (no Authorization header): fail(TokenRejectedError "decode", 401)', async () => {
    const { strategy, userFromPayload } = setup();
    const { success, fail, error } = await authenticate(strategy, { headers: {} });
    expect(rejectionOf(fail).reason).toBe('decode');
    expect(success).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(userFromPayload).not.toHaveBeenCalled();
  });

  it('a header with credentials containing spaces: fail(TokenRejectedError "decode", 401)', async () => {
    const { strategy } = setup();
    const { success, fail } = await authenticate(strategy, { headers: { authorization: `JWT ${token()} junk` } });
    expect(rejectionOf(fail).reason).toBe('decode');
    expect(success).not.toHaveBeenCalled();
  });

  it('a bad token in the header: fail(TokenRejectedError "decode", 401)', async () => {
    const { strategy } = setup();
    const { success, fail } = await authenticate(strategy, { headers: { authorization: 'JWT a.b.c' } });
    expect(rejectionOf(fail).reason).toBe('decode');
    expect(success).not.toHaveBeenCalled();
  });
});

describe('createJwtStrategy: what userFromPayload decides', () => {
  it('rejecting with TokenRejectedError("user_not_found"): fail(that very error, 401)', async () => {
    const refusal = new TokenRejectedError('user_not_found');
    const { strategy } = setup(
      {},
      jest.fn(async (_payload: JwtPayload): Promise<object> => {
        throw refusal;
      }),
    );
    const { success, fail, error } = await authenticate(strategy, { headers: { authorization: `JWT ${token()}` } });
    expect(rejectionOf(fail)).toBe(refusal);
    expect(success).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('rejecting with a plain Error (the database is down): error(that error), not fail', async () => {
    const outage = new Error('database down');
    const { strategy } = setup(
      {},
      jest.fn(async (_payload: JwtPayload): Promise<object> => {
        throw outage;
      }),
    );
    const { success, fail, error } = await authenticate(strategy, { headers: { authorization: `JWT ${token()}` } });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(outage);
    expect(fail).not.toHaveBeenCalled();
    expect(success).not.toHaveBeenCalled();
  });
});

describe('createJwtStrategy: registration with Passport', () => {
  // passport._strategy(name) is Passport's private lookup (what authenticate(name) uses);
  // it has no public equivalent, hence the narrow cast.
  const registry = passport as unknown as { _strategy(name: string): unknown };

  it('is registered under settings.strategyName, and the registered strategy is the returned instance', () => {
    const { settings, strategy } = setup({ strategyName: 'unit-jwt' });
    expect(settings.strategyName).toBe('unit-jwt');
    expect(registry._strategy('unit-jwt')).toBe(strategy);
  });

  it('is registered under "jwt" by default', () => {
    const { strategy } = setup();
    expect(registry._strategy('jwt')).toBe(strategy);
  });

  it('is a passport-jwt Strategy (so AuthGuard(name) works as in the official recipe)', () => {
    expect(setup().strategy).toBeInstanceOf(PassportJwtStrategy);
  });
});
