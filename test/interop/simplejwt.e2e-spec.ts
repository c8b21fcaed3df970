/**
 * Interoperability with the real djangorestframework-simplejwt (issue #15 item 8): the Django
 * project of test/interop/django, run by Debian's python3 with Debian's packages (Django 3.2,
 * DRF 3.14, simplejwt 5.2.2; .ci/run installs them), on a free loopback port, sharing its users
 * and its key (an HS256 secret, or an RS256 key pair made here) with nest-rest-jwt.
 * Expired tokens are minted with the shared key, never waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions, UserLookupService } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp } from '../support/apps.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';
import { PASSWORD_CASES, ROTATION_CASES, SHARED_CASES, SLIDING_CASES } from './simplejwt-cases.js';
import { DIVERGENCES, PASSWORD_DIVERGENCES, SLIDING_DIVERGENCES } from './simplejwt-divergences.js';
import { type Divergence, PATHS, type SharedCase } from './simplejwt-requests.js';
import {
  DjangoServer,
  findDjangoPython,
  removeMigratedDatabase,
  type SharedUser,
  type SimpleJwtSettings,
} from './django-simplejwt.js';
import { obtainPair, obtainSliding, send, type Side } from './simplejwt-exchanges.js';
import { claimsIn, claimsOf, mint, nowSeconds, type SharedKey } from './simplejwt-tokens.js';

const { python: PYTHON, versions: VERSIONS } = findDjangoPython();

/** The Nest test app's users with a numeric id (Django's auth.User ids are integers). */
const SHARED_USERS: SharedUser[] = [...new InMemoryUsers().users.values()]
  .filter((user): user is typeof user & { id: number } => typeof user.id === 'number')
  .map(({ id, username, password, email, isActive }) => ({ id, username, password, email, isActive }));

const pem = (key: KeyObject): string =>
  key.export(key.type === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }).toString();

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface KeyVariant {
  label: string;
  key: SharedKey;
  /** Django's SIMPLE_JWT for this key. */
  simpleJwt: SimpleJwtSettings;
  /** nest-rest-jwt's options for the same key. */
  nest: JwtAuthModuleOptions;
}

/** The keys both apps share: Django's SECRET_KEY as the HS256 secret, or an RS256 key pair. */
const KEYS: KeyVariant[] = [
  { label: 'HS256, shared secret', key: { alg: 'HS256', secret: SECRET }, simpleJwt: {}, nest: { secretKey: SECRET } },
  {
    label: 'RS256, shared key pair',
    key: { alg: 'RS256', privateKey: rsa.privateKey },
    simpleJwt: { ALGORITHM: 'RS256', SIGNING_KEY: pem(rsa.privateKey), VERIFYING_KEY: pem(rsa.publicKey) },
    nest: { algorithm: 'RS256', privateKey: pem(rsa.privateKey) },
  },
];

afterAll(() => removeMigratedDatabase());

describe('Django with simplejwt is available', () => {
  it(`${PYTHON} runs Debian's Django 3.2 and simplejwt 5.2 (${JSON.stringify(VERSIONS)})`, () => {
    expect(VERSIONS.django).toMatch(/^3\.2\./);
    expect(VERSIONS.simplejwt).toBe('5.2.2');
    expect(VERSIONS.pyjwt).toMatch(/^2\./);
  });
});

/** A Django server for the enclosing describe block, started in beforeAll, removed in afterAll. */
function useDjango(variant: KeyVariant, simpleJwt: SimpleJwtSettings = {}): { side: Side; server: () => DjangoServer } {
  const server = new DjangoServer({
    python: PYTHON,
    secretKey: SECRET,
    simpleJwt: { ...variant.simpleJwt, ...simpleJwt },
    users: SHARED_USERS,
  });
  beforeAll(() => server.start(), 60_000);
  afterAll(() => server.remove());
  const side: Side = {
    label: `Django (${variant.label})`,
    get target() {
      return server.url;
    },
    key: variant.key,
  };
  return { side, server: () => server };
}

type ForRootOptions = Parameters<typeof JwtAuthModule.forRoot>[0];

/** The test app's users, found by id too, as simplejwt finds them. */
@Injectable()
class UsersById extends InMemoryUsers {
  override async findById(id: string): Promise<TestUser | undefined> {
    return [...this.users.values()].find((user) => String(user.id) === id);
  }
}

@Module({
  providers: [UsersById, { provide: UserLookupService, useExisting: UsersById }],
  exports: [UserLookupService],
})
class UsersByIdModule {}

/** A Nest app speaking simplejwt with the variant's key, for the enclosing describe block. */
function useNest(adapter: (typeof ADAPTERS)[number], variant: KeyVariant, options: ForRootOptions = {}): Side {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({
      ...variant.nest,
      loginThrottle: false,
      ...options,
      tokenProtocol: 'simplejwt',
      imports: [UsersByIdModule],
    }),
  );
  return {
    label: `nest-rest-jwt (${adapter}, ${variant.label})`,
    get target() {
      return t.server;
    },
    key: variant.key,
  };
}

/** Each shared case gets simplejwt's answer from both; each divergence its own answer from each. */
function compareAnswers(django: Side, nest: Side, cases: SharedCase[], divergences: Divergence[]): void {
  it.each(cases)('$name: the same answer from both', async ({ request: build, answer }) => {
    const answers = { django: await send(django, await build(django)), nest: await send(nest, await build(nest)) };
    expect(answers).toEqual({ django: answer, nest: answer });
  });

  if (divergences.length === 0) return;
  it.each(divergences)('$name: each its own answer ($why)', async ({ request: build, django: theirs, nest: ours }) => {
    const answers = { django: await send(django, await build(django)), nest: await send(nest, await build(nest)) };
    expect(answers).toEqual({ django: theirs, nest: ours });
  });
}

/** A token `from` issued is accepted by `to`'s protected view, and refreshed by `to`'s refresh view. */
async function expectAcceptedAcross(from: Side, to: Side): Promise<void> {
  const { access, refresh } = await obtainPair(from);
  const guarded = await send(to, { method: 'GET', path: PATHS.protected, authorization: `Bearer ${access}` });
  expect(guarded).toEqual({ status: 200, body: { username: 'admin' } });
  const refreshed = await request(to.target).post(PATHS.refresh).send({ refresh });
  expect(refreshed.status).toBe(200);
  const renewed = (refreshed.body as { access: string }).access;
  // The access token `to` made from `from`'s refresh token works on both sides.
  for (const side of [to, from]) {
    const answer = await send(side, { method: 'GET', path: PATHS.protected, authorization: `Bearer ${renewed}` });
    expect({ side: side.label, answer }).toEqual({
      side: side.label,
      answer: { status: 200, body: { username: 'admin' } },
    });
  }
}

describe.each(KEYS)('simplejwt on Django and nest-rest-jwt side by side ($label)', (variant) => {
  const { side: django, server } = useDjango(variant);

  it("Django issues simplejwt 5.2's claims (user_id a number), signed with the shared key", async () => {
    const before = nowSeconds();
    const { refresh, access } = await obtainPair(django);
    const refreshClaims = claimsIn(refresh);
    const accessClaims = claimsIn(access);
    expect(refreshClaims).toEqual({
      token_type: 'refresh',
      exp: (refreshClaims.iat as number) + 86_400,
      iat: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
      user_id: 1,
    });
    expect(refreshClaims.iat).toBeGreaterThanOrEqual(before);
    expect(accessClaims).toEqual({
      ...refreshClaims,
      token_type: 'access',
      exp: (accessClaims.iat as number) + 300,
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(accessClaims.jti).not.toBe(refreshClaims.jti);
    // Our signature over Django's header and claims is the one Django wrote (HS256 and RS256,
    // PKCS#1 v1.5, are deterministic): the key is really shared.
    expect(mint(accessClaims, variant.key)).toBe(access);
  });

  it("Django's 500 for a refresh token without jti is simplejwt's KeyError (a named divergence)", async () => {
    const refresh = mint(claimsOf('refresh', 1, 0, { jti: undefined }), variant.key);
    const answer = await send(django, { method: 'POST', path: PATHS.refresh, body: { refresh } });
    expect(answer.status).toBe(500);
    expect(server().log).toMatch(/KeyError: 'jti'/);
  });

  describe.each(ADAPTERS)('%s', (adapter) => {
    const nest = useNest(adapter, variant);

    it("Django's tokens are accepted and refreshed here", () => expectAcceptedAcross(django, nest));

    it('ours are accepted and refreshed by Django', () => expectAcceptedAcross(nest, django));

    it('both issue the same claims; user_id is a number in 5.2 and a string in 5.5 (a named difference)', async () => {
      const theirs = await obtainPair(django);
      const ours = await obtainPair(nest);
      for (const kind of ['refresh', 'access'] as const) {
        const [d, n] = [claimsIn(theirs[kind]), claimsIn(ours[kind])];
        expect(Object.keys(n).sort()).toEqual(Object.keys(d).sort());
        expect({ type: n.token_type, lifetime: (n.exp as number) - (n.iat as number) }).toEqual({
          type: d.token_type,
          lifetime: (d.exp as number) - (d.iat as number),
        });
        expect({ django: d.user_id, nest: n.user_id }).toEqual({ django: 1, nest: '1' });
      }
    });

    compareAnswers(django, nest, SHARED_CASES, DIVERGENCES);
  });

  if (variant.key.alg === 'HS256') {
    describe.each(ADAPTERS)('%s, with checkRevokeToken (which 5.2 does not have)', (adapter) => {
      const nest = useNest(adapter, variant, { simpleJwt: { checkRevokeToken: true } });
      compareAnswers(django, nest, PASSWORD_CASES, PASSWORD_DIVERGENCES);
    });
  }
});

describe.each(KEYS.slice(0, 1))(
  'simplejwt sliding tokens on Django and nest-rest-jwt side by side ($label)',
  (variant) => {
    const { side: django } = useDjango(variant, {
      AUTH_TOKEN_CLASSES: ['rest_framework_simplejwt.tokens.SlidingToken'],
    });

    describe.each(ADAPTERS)('%s', (adapter) => {
      // Django serves the sliding views beside the pair views; here they take their paths.
      const nest = useNest(adapter, variant, {
        simpleJwt: { slidingTokens: true },
        simpleJwtPaths: { obtain: 'api/token/sliding', refresh: 'api/token/sliding/refresh' },
      });

      it("each side's sliding token is accepted and refreshed by the other", async () => {
        for (const [from, to] of [
          [django, nest],
          [nest, django],
        ] as const) {
          const token = await obtainSliding(from, PATHS.obtainSliding);
          const guarded = await send(to, { method: 'GET', path: PATHS.protected, authorization: `Bearer ${token}` });
          expect({ from: from.label, guarded }).toEqual({
            from: from.label,
            guarded: { status: 200, body: { username: 'admin' } },
          });
          const refreshed = await send(to, { method: 'POST', path: PATHS.refreshSliding, body: { token } });
          expect({ from: from.label, refreshed }).toEqual({
            from: from.label,
            refreshed: { status: 200, body: { token: '<jwt>' } },
          });
        }
      });

      compareAnswers(django, nest, SLIDING_CASES, SLIDING_DIVERGENCES);
    });
  },
);

describe.each(KEYS.slice(0, 1))(
  'simplejwt refresh rotation on Django and nest-rest-jwt side by side ($label)',
  (variant) => {
    const { side: django } = useDjango(variant, { ROTATE_REFRESH_TOKENS: true, BLACKLIST_AFTER_ROTATION: true });

    describe.each(ADAPTERS)('%s', (adapter) => {
      // rotationGracePeriod (not in simplejwt; 10 s by default) would give a token refreshed again
      // at once the same successor instead of "Token is blacklisted": off, as simplejwt has none.
      const nest = useNest(adapter, variant, {
        rotationGracePeriod: 0,
        simpleJwt: { rotateRefreshTokens: true, blacklistAfterRotation: true },
      });
      compareAnswers(django, nest, ROTATION_CASES, []);
    });
  },
);
