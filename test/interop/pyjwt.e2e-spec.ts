/**
 * Interoperability with an independent JWT implementation: PyJWT, the library
 * djangorestframework-jwt itself uses, from Debian's python3-jwt package (.ci/run installs it).
 * PyJWT runs in a child process (spawnSync with argv and stdin, never a shell string).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { ADAPTERS, SECRET, useApp, UsersModule } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { now } from '../support/tokens.js';

/**
 * The Python side. Reads one JSON request on stdin, prints one JSON answer on stdout.
 * - `decode`: jwt.decode with the key, `algorithms=[...]`, and audience/issuer when given.
 * - `drf`: a token built as djangorestframework-jwt 1.11 builds it: its `jwt_payload_handler`
 *   (user_id, username, exp = utcnow + 300 s, email, orig_iat = timegm(utcnow) with refresh
 *   allowed, aud/iss when configured; no iat, no jti) and its `jwt_encode_handler`
 *   (`jwt.encode(payload, key, algorithm)`, decoded to text when PyJWT 1 returns bytes).
 *   `issued_ago` moves "now" into the past, as if the token had been issued that long ago.
 */
const PYTHON_SCRIPT = String.raw`
import json, sys, warnings
from calendar import timegm
from datetime import datetime, timedelta
import jwt

warnings.simplefilter('ignore')
req = json.load(sys.stdin)
try:
    if req['op'] == 'decode':
        kwargs = {'algorithms': req['algorithms']}
        if req.get('audience') is not None:
            kwargs['audience'] = req['audience']
        if req.get('issuer') is not None:
            kwargs['issuer'] = req['issuer']
        claims = jwt.decode(req['token'], req['key'], **kwargs)
        out = {'header': jwt.get_unverified_header(req['token']), 'claims': claims}
    elif req['op'] == 'drf':
        user = req['user']
        utcnow = datetime.utcnow() - timedelta(seconds=req.get('issued_ago', 0))
        payload = {
            'user_id': user['pk'],
            'username': user['username'],
            'exp': utcnow + timedelta(seconds=300),
        }
        if 'email' in user:
            payload['email'] = user['email']
        if req['allow_refresh']:
            payload['orig_iat'] = timegm(utcnow.utctimetuple())
        if req.get('audience') is not None:
            payload['aud'] = req['audience']
        if req.get('issuer') is not None:
            payload['iss'] = req['issuer']
        token = jwt.encode(payload, req['key'], req['algorithm'])
        encoded_type = type(token).__name__
        if isinstance(token, bytes):
            token = token.decode('utf-8')
        out = {'token': token, 'encoded_type': encoded_type}
    else:
        raise ValueError('unknown op ' + repr(req['op']))
except jwt.PyJWTError as error:
    out = {'error': type(error).__name__, 'message': str(error)}
print(json.dumps(out))
`;

/** The first interpreter that can import PyJWT (and cryptography, for RS256 and ES256). */
function findPython(): { python: string; version: string } {
  const tried: string[] = [];
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import jwt, cryptography; print(jwt.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return { python: candidate, version: probe.stdout.trim() };
    tried.push(`${candidate}: ${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}`);
  }
  throw new Error(
    "No python can `import jwt, cryptography`; install Debian's python3-jwt and python3-cryptography " +
      `(apt-get install -y python3-jwt python3-cryptography; .ci/run does). Tried: ${tried.join('; ')}`,
  );
}

const { python: PYTHON, version: PYJWT_VERSION } = findPython();

type Claims = Record<string, unknown>;
type PyAnswer =
  { header: Claims; claims: Claims } | { token: string; encoded_type: string } | { error: string; message: string };

function runPython(input: object): PyAnswer {
  const result = spawnSync(PYTHON, ['-c', PYTHON_SCRIPT], { input: JSON.stringify(input), encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${PYTHON} failed (${result.status ?? result.signal}): ${result.error?.message ?? result.stderr}`);
  }
  return JSON.parse(result.stdout) as PyAnswer;
}

interface DecodeRequest {
  token: string;
  key: string;
  algorithms: string[];
  audience?: string;
  issuer?: string;
}

/** What PyJWT's jwt.decode makes of a token: the header and claims, or the PyJWT error. */
function pyDecode(req: DecodeRequest): PyAnswer {
  return runPython({ op: 'decode', ...req });
}

/** The header and claims PyJWT verified; fails the test with PyJWT's error otherwise. */
function pyVerified(req: DecodeRequest): { header: Claims; claims: Claims } {
  const answer = pyDecode(req);
  if (!('claims' in answer)) throw new Error(`PyJWT refused the token: ${JSON.stringify(answer)}`);
  return answer;
}

interface DrfTokenRequest {
  key: string;
  algorithm: string;
  allowRefresh?: boolean;
  issuedAgo?: number;
  audience?: string;
  issuer?: string;
}

/** A token for `admin` (pk 1) as a djangorestframework-jwt deployment issues it, made by PyJWT. */
function drfToken({ key, algorithm, allowRefresh = true, issuedAgo = 0, audience, issuer }: DrfTokenRequest): string {
  const answer = runPython({
    op: 'drf',
    user: { pk: 1, username: 'admin', email: 'admin@example.com' },
    key,
    algorithm,
    allow_refresh: allowRefresh,
    issued_ago: issuedAgo,
    audience,
    issuer,
  });
  if (!('token' in answer)) throw new Error(`PyJWT could not encode: ${JSON.stringify(answer)}`);
  return answer.token;
}

const pem = (key: KeyObject): string =>
  key.export(key.type === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }).toString();

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function login(server: Parameters<typeof request>[0]): Promise<string> {
  const response = await request(server).post('/api-token-auth/').send({ username: 'admin', password: 'abc123' });
  expect(response.status).toBe(200);
  return (response.body as { token: string }).token;
}

describe('PyJWT is available', () => {
  it(`${PYTHON} imports PyJWT 2 (${PYJWT_VERSION}), whose encode returns text`, () => {
    expect(PYJWT_VERSION).toMatch(/^2\./);
    const answer = runPython({
      op: 'drf',
      user: { pk: 1, username: 'admin' },
      key: SECRET,
      algorithm: 'HS256',
      allow_refresh: false,
    });
    expect(answer).toMatchObject({ encoded_type: 'str' });
  });
});

interface IssuedVariant {
  label: string;
  alg: 'HS256' | 'RS256' | 'ES256';
  options: JwtAuthModuleOptions;
  /** What PyJWT is given to verify with: the secret or the public key's PEM. */
  verifyKey: string;
  audience?: string;
  issuer?: string;
}

const ISSUED: IssuedVariant[] = [
  { label: 'HS256', alg: 'HS256', options: { secretKey: SECRET }, verifyKey: SECRET },
  {
    label: 'HS256 with audience and issuer',
    alg: 'HS256',
    options: { secretKey: SECRET, audience: 'my-api', issuer: 'https://issuer.example.com' },
    verifyKey: SECRET,
    audience: 'my-api',
    issuer: 'https://issuer.example.com',
  },
  {
    label: 'RS256 (PEM private key)',
    alg: 'RS256',
    options: { algorithm: 'RS256', privateKey: pem(rsa.privateKey) },
    verifyKey: pem(rsa.publicKey),
  },
  {
    label: 'ES256 (KeyObject private key)',
    alg: 'ES256',
    options: { algorithm: 'ES256', privateKey: ec.privateKey },
    verifyKey: pem(ec.publicKey),
  },
];

describe.each(ADAPTERS)('Tokens issued by nest-rest-jwt, verified by PyJWT (%s)', (adapter) => {
  describe.each(ISSUED)('$label', ({ alg, options, verifyKey, audience, issuer }) => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({ ...options, allowRefresh: true, errorFormat: 'drf', imports: [UsersModule] }),
    );

    it(`PyJWT's jwt.decode(algorithms=['${alg}']) accepts the login token and reads the expected claims`, async () => {
      const before = now();
      const token = await login(t.server);
      const { header, claims } = pyVerified({ token, key: verifyKey, algorithms: [alg], audience, issuer });
      expect(header).toEqual({ alg, typ: 'JWT' });
      expect(claims).toEqual({
        user_id: 1,
        username: 'admin',
        email: 'admin@example.com',
        exp: expect.any(Number),
        orig_iat: expect.any(Number),
        iat: expect.any(Number),
        jti: expect.stringMatching(UUID),
        ...(audience === undefined ? {} : { aud: audience }),
        ...(issuer === undefined ? {} : { iss: issuer }),
      });
      const iat = claims.iat as number;
      expect(iat).toBeGreaterThanOrEqual(before);
      expect(iat).toBeLessThanOrEqual(now());
      expect(claims.orig_iat).toBe(iat);
      expect(claims.exp).toBe(iat + 300);
    });

    it('PyJWT refuses the same token with another key, or when its algorithm is not allowed', async () => {
      const token = await login(t.server);
      const wrongKey = { HS256: `${SECRET}-not`, RS256: pem(otherRsa.publicKey), ES256: pem(otherEc.publicKey) }[alg];
      const wrongAlg = alg === 'ES256' ? 'RS256' : alg === 'RS256' ? 'ES256' : 'HS512';
      expect(pyDecode({ token, key: wrongKey, algorithms: [alg], audience, issuer })).toMatchObject({
        error: 'InvalidSignatureError',
      });
      expect(pyDecode({ token, key: verifyKey, algorithms: [wrongAlg], audience, issuer })).toMatchObject({
        error: 'InvalidAlgorithmError',
      });
    });
  });
});

describe.each(ADAPTERS)(
  "includeIssuedAt and includeTokenId off: upstream's payload, verified by PyJWT (%s)",
  (adapter) => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        allowRefresh: true,
        includeIssuedAt: false,
        includeTokenId: false,
        errorFormat: 'drf',
        imports: [UsersModule],
      }),
    );

    it('the login token has exactly the claims of a djangorestframework-jwt token', async () => {
      const token = await login(t.server);
      const ours = pyVerified({ token, key: SECRET, algorithms: ['HS256'] }).claims;
      const theirs = pyVerified({
        token: drfToken({ key: SECRET, algorithm: 'HS256' }),
        key: SECRET,
        algorithms: ['HS256'],
      });
      expect(Object.keys(ours)).toEqual(Object.keys(theirs.claims));
      expect(ours).toEqual({ ...theirs.claims, exp: ours.exp, orig_iat: ours.orig_iat });
      expect(ours.exp).toBe((ours.orig_iat as number) + 300);
    });
  },
);

interface DrfVariant {
  label: string;
  audience?: string;
  issuer?: string;
}

const DRF: DrfVariant[] = [
  { label: 'default settings' },
  { label: 'JWT_AUDIENCE and JWT_ISSUER', audience: 'my-api', issuer: 'https://issuer.example.com' },
];

describe.each(ADAPTERS)('Tokens issued by djangorestframework-jwt (PyJWT, same secret) (%s)', (adapter) => {
  describe.each(DRF)('$label', ({ audience, issuer }) => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        allowRefresh: true,
        audience,
        issuer,
        errorFormat: 'drf',
        imports: [UsersModule],
      }),
    );
    const token = (issuedAgo = 0): string => drfToken({ key: SECRET, algorithm: 'HS256', issuedAgo, audience, issuer });

    it("has upstream's payload shape: no iat, no jti", () => {
      const before = now();
      const { header, claims } = pyVerified({ token: token(), key: SECRET, algorithms: ['HS256'], audience, issuer });
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(Object.keys(claims).sort()).toEqual(
        [
          'email',
          'exp',
          'orig_iat',
          'user_id',
          'username',
          ...(audience ? ['aud'] : []),
          ...(issuer ? ['iss'] : []),
        ].sort(),
      );
      expect(claims.exp).toBe((claims.orig_iat as number) + 300);
      expect(claims.orig_iat).toBeGreaterThanOrEqual(before);
    });

    it('the guard accepts it', async () => {
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token()}`);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 200,
        body: { username: 'admin' },
      });
    });

    it('/api-token-verify/ returns the same token', async () => {
      const original = token();
      const response = await request(t.server).post('/api-token-verify/').send({ token: original });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 200,
        body: { token: original },
      });
    });

    it('/api-token-refresh/ returns a new token that PyJWT verifies, with the original orig_iat', async () => {
      const original = token(60);
      const originalClaims = pyVerified({
        token: original,
        key: SECRET,
        algorithms: ['HS256'],
        audience,
        issuer,
      }).claims;
      const before = now();
      const response = await request(t.server).post('/api-token-refresh/').send({ token: original });
      expect(response.status).toBe(200);
      const refreshed = (response.body as { token: string }).token;
      expect(refreshed).not.toBe(original);
      const { claims } = pyVerified({ token: refreshed, key: SECRET, algorithms: ['HS256'], audience, issuer });
      expect(claims).toMatchObject({ user_id: 1, username: 'admin', email: 'admin@example.com' });
      expect(claims.orig_iat).toBe(originalClaims.orig_iat);
      expect(claims.orig_iat).toBeLessThanOrEqual(before - 59);
      expect(claims.exp).toBeGreaterThanOrEqual(before + 300);
      expect(claims.exp).toBeLessThanOrEqual(now() + 300);
      if (audience !== undefined) expect(claims.aud).toBe(audience);
      if (issuer !== undefined) expect(claims.iss).toBe(issuer);
    });

    it('a token signed with another secret is refused', async () => {
      const forged = drfToken({ key: `${SECRET}-other`, algorithm: 'HS256', audience, issuer });
      const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${forged}`);
      expectRefusal(response, 'Error decoding signature.', 'drf');
    });
  });
});

describe.each(ADAPTERS)('RS256 tokens made by PyJWT (%s)', (adapter) => {
  const t = useApp(adapter, () =>
    JwtAuthModule.forRoot({
      algorithm: 'RS256',
      privateKey: pem(rsa.privateKey),
      allowRefresh: true,
      errorFormat: 'drf',
      imports: [UsersModule],
    }),
  );

  it("one signed with the module's private key (PEM) is accepted by the guard and by /api-token-verify/", async () => {
    const token = drfToken({ key: pem(rsa.privateKey), algorithm: 'RS256' });
    const guarded = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
    expect({ status: guarded.status, body: guarded.body as unknown }).toEqual({
      status: 200,
      body: { username: 'admin' },
    });
    const verified = await request(t.server).post('/api-token-verify/').send({ token });
    expect({ status: verified.status, body: verified.body as unknown }).toEqual({ status: 200, body: { token } });
  });

  it('one signed with another private key is refused with 401', async () => {
    const token = drfToken({ key: pem(otherRsa.privateKey), algorithm: 'RS256' });
    const response = await request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);
    expectRefusal(response, 'Error decoding signature.', 'drf');
  });
});
