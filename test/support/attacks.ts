import { expect } from '@jest/globals';
import { constants as cryptoConstants, createHmac, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import { JwtAuthModule, type JwtAuthModuleOptions } from '../../lib/index.js';
import { type AdapterName, SECRET, useApp, UsersModule } from './apps.js';
import { errorBody, nonField } from './endpoints.js';
import { type ErrorFormatName, unauthorizedBody } from './refusals.js';
import { adminClaims, b64url, now } from './tokens.js';
import type { InMemoryUsers, TestUser } from './users.js';

/**
 * Helpers of the attack suite (test/security): hostile tokens built without the library, and
 * one assertion, "refused everywhere", that sends a token to the guard and to both token
 * endpoints and checks the documented refusal on each.
 */

/** The reference's families of token refusal (drf-behaviour section 2 and 4). */
export type Family = 'expired' | 'decode' | 'invalid' | 'payload' | 'user_not_found' | 'user_inactive';

/** What the guard says for each family (401). */
export const GUARD_TEXT: Record<Family, string> = {
  expired: 'Signature has expired.',
  decode: 'Error decoding signature.',
  invalid: 'Incorrect authentication credentials.',
  payload: 'Invalid payload.',
  user_not_found: 'Invalid signature.',
  user_inactive: 'User account is disabled.',
};

/** What /api-token-verify/ and /api-token-refresh/ say for each family (400). */
export const ENDPOINT_TEXT: Record<Family, string> = {
  expired: 'Signature has expired.',
  decode: 'Error decoding signature.',
  invalid: 'Invalid token.',
  payload: 'Invalid payload.',
  user_not_found: "User doesn't exist.",
  user_inactive: 'User account is disabled.',
};

export const NOT_PROVIDED = 'Authentication credentials were not provided.';
export const CREDENTIALS_WITH_SPACES = 'Invalid Authorization header. Credentials string should not contain spaces.';

export const PROTECTED = '/protected-url';
export const VERIFY = '/api-token-verify/';
export const REFRESH = '/api-token-refresh/';

export type ModuleOptions = JwtAuthModuleOptions<TestUser>;

export interface SecurityApp {
  readonly server: App;
  readonly users: InMemoryUsers;
  readonly format: ErrorFormatName;
  /** Configuration texts that must never appear in a response (secrets, key material...). */
  readonly secrets: readonly string[];
}

/**
 * Starts one app for the enclosing describe block and closes it afterwards (Passport's strategy
 * registry is global: never two apps at once). `allowRefresh` is on, so that a valid token with
 * `orig_iat` can be refreshed; the user store is reset after each test.
 */
export function useSecurityApp(
  adapter: AdapterName,
  format: ErrorFormatName,
  options: ModuleOptions = {},
  secrets: readonly string[] = [],
): SecurityApp {
  const moduleOptions: ModuleOptions = {
    ...(options.privateKey === undefined ? { secretKey: SECRET } : {}),
    allowRefresh: true,
    errorFormat: format,
    ...options,
  };
  const live = useApp(
    adapter,
    () => JwtAuthModule.forRoot({ ...(moduleOptions as JwtAuthModuleOptions), imports: [UsersModule] }),
    { resetUsers: true },
  );
  const configured = [SECRET, ...secrets].filter((text) => text.length >= 6);
  return {
    get server() {
      return live.server;
    },
    get users() {
      return live.users;
    },
    format,
    secrets: configured,
  };
}

/** GET /protected-url with the given Authorization value. */
export function guardGet(app: SecurityApp, authorization: string): Promise<Response> {
  return request(app.server).get(PROTECTED).set('Authorization', authorization);
}

/** POST {"token": token} as JSON. */
export function postToken(app: SecurityApp, path: string, token: string): Promise<Response> {
  return request(app.server).post(path).set('Content-Type', 'application/json').send(JSON.stringify({ token }));
}

/**
 * Texts that betray the implementation or its configuration: stack frames and file paths,
 * jsonwebtoken's, passport-jwt's and Node's error texts, algorithm names, key material.
 * (The documented "Invalid signature." is capitalised; jsonwebtoken's "invalid signature" is not.)
 */
const LEAKS: readonly RegExp[] = [
  /\n\s*at\s/,
  /\bat\s+\S+\s+\(/,
  /\bat\s+(file:|node:|\/)/,
  /node_modules/,
  /\/(work|home|tmp|usr)\//,
  /\.[cm]?[jt]s:\d+/,
  /jwt malformed/,
  /jwt must be/,
  /jwt expired/,
  /jwt not active/,
  /jwt signature is required/,
  /jwt (audience|issuer|id|subject) invalid/,
  /invalid signature/,
  /invalid algorithm/,
  /invalid (exp|nbf) value/,
  /invalid token/,
  /secretOrPublicKey/i,
  /secret or public key/i,
  /please specify "none"/,
  /expected:/,
  /\b(HS|RS|PS|ES)(256|384|512)\b/,
  /JsonWebTokenError|TokenExpiredError|NotBeforeError|TokenRejectedError|SyntaxError|TypeError|RangeError/,
  /BEGIN [A-Z ]*KEY/,
  /Unexpected token|is not valid JSON/,
  /"stack"|"trace"/i,
];

/** A response that shows no stack trace, no library text and no configuration. */
export function expectNoLeak(response: Response, secrets: readonly string[] = []): void {
  const text = response.text ?? '';
  const found = LEAKS.filter((pattern) => pattern.test(text)).map(String);
  const secretsFound = secrets.filter((secret) => text.includes(secret));
  expect({ leaks: found, secrets: secretsFound.length }).toEqual({ leaks: [], secrets: 0 });
}

/** The parts of a response the assertions compare. */
export function outcome(response: Response): { status: number; body: unknown } {
  return { status: response.status, body: response.body as unknown };
}

export interface RefusalOptions {
  /** The Authorization value for the guard (default `JWT <token>`). */
  authorization?: string;
  /** The guard's message when it differs from the family's (e.g. a token with spaces). */
  guardMessage?: string;
}

/**
 * The whole checklist for one hostile token: the guard answers 401 with the family's guard
 * message and its challenge, /api-token-verify/ and /api-token-refresh/ answer 400 with the
 * family's endpoint message, each body exactly the documented one (byte for byte), and none of
 * them leaks anything. Never 2xx, never 5xx follows.
 */
export async function expectRefusedEverywhere(
  app: SecurityApp,
  token: string,
  family: Family,
  options: RefusalOptions = {},
): Promise<void> {
  const guard = await guardGet(app, options.authorization ?? `JWT ${token}`);
  const verify = await postToken(app, VERIFY, token);
  const refresh = await postToken(app, REFRESH, token);
  const guardBody = unauthorizedBody(app.format, options.guardMessage ?? GUARD_TEXT[family]);
  const endpointBody = errorBody(app.format, 400, nonField(ENDPOINT_TEXT[family]));
  expect({ guard: outcome(guard), verify: outcome(verify), refresh: outcome(refresh) }).toEqual({
    guard: { status: 401, body: guardBody },
    verify: { status: 400, body: endpointBody },
    refresh: { status: 400, body: endpointBody },
  });
  expect([guard.text, verify.text, refresh.text]).toEqual([
    JSON.stringify(guardBody),
    JSON.stringify(endpointBody),
    JSON.stringify(endpointBody),
  ]);
  expect(guard.headers['www-authenticate']).toBe('JWT realm="api"');
  for (const response of [guard, verify, refresh]) expectNoLeak(response, app.secrets);
}

/**
 * A token that must work: the guard lets `username` in, verify gives the same token back, and
 * refresh gives a new token (the token must carry `orig_iat`).
 */
export async function expectAcceptedEverywhere(app: SecurityApp, token: string, username = 'admin'): Promise<void> {
  const guard = await guardGet(app, `JWT ${token}`);
  const verify = await postToken(app, VERIFY, token);
  const refresh = await postToken(app, REFRESH, token);
  expect({ guard: outcome(guard), verify: outcome(verify), refreshStatus: refresh.status }).toEqual({
    guard: { status: 200, body: { username } },
    verify: { status: 200, body: { token } },
    refreshStatus: 200,
  });
  expect(typeof (refresh.body as { token?: unknown }).token).toBe('string');
}

/** Valid claims for `admin`, refreshable (with `orig_iat`). */
export function validClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return adminClaims({ orig_iat: now(), ...extra });
}

/**
 * JSON text of an object whose listed members are written verbatim (so `1e400` stays `1e400`,
 * and keys may repeat). Members come in the order given: `fields` first, then `raw`.
 */
export function jsonText(fields: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const members = [
    ...Object.entries(fields)
      .filter(([name]) => !(name in raw))
      .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`),
    ...Object.entries(raw).map(([name, text]) => `${JSON.stringify(name)}:${text}`),
  ];
  return `{${members.join(',')}}`;
}

/** A JSON value as text; strings are taken as JSON text already. */
function segmentText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const HMAC_HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * An HMAC-signed token built with node:crypto alone. `header` and `payload` are JSON values, or
 * JSON text when given as strings (verbatim: duplicate keys, 1e400...). The key may be any
 * bytes; `hash` defaults to the one the header's `alg` names (sha256 otherwise).
 */
export function hmacToken(
  header: unknown,
  payload: unknown,
  key: string | Buffer = SECRET,
  hash?: 'sha256' | 'sha384' | 'sha512',
): string {
  const headerText = segmentText(header);
  const alg = (typeof header === 'object' && header !== null ? (header as { alg?: unknown }).alg : undefined) ?? '';
  const input = `${b64url(headerText)}.${b64url(segmentText(payload))}`;
  const digest = hash ?? HMAC_HASHES[String(alg)] ?? 'sha256';
  return `${input}.${createHmac(digest, key).update(input).digest('base64url')}`;
}

export type AsymmetricAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'ES512';

/** An RSA or ECDSA token signed with node:crypto alone, with the JOSE signature encoding. */
export function asymmetricToken(header: unknown, payload: unknown, privateKey: KeyObject, alg: AsymmetricAlg): string {
  const input = `${b64url(segmentText(header))}.${b64url(segmentText(payload))}`;
  const hash = `sha${alg.slice(2)}`;
  const key = alg.startsWith('ES')
    ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const }
    : alg.startsWith('PS')
      ? { key: privateKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : privateKey;
  return `${input}.${cryptoSign(hash, Buffer.from(input), key).toString('base64url')}`;
}

/** The token with its signature segment replaced (raw bytes are base64url-encoded). */
export function withSignature(token: string, signature: string | Buffer): string {
  const [head, body] = token.split('.');
  return `${head}.${body}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

/** The server's address, listening on 127.0.0.1 first if it is not yet. */
export async function addressOf(server: App): Promise<AddressInfo> {
  const http = server as Server;
  if (!http.address()) await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return http.address() as AddressInfo;
}

/**
 * Sends bytes as they are (no client-side header checks) and resolves with the raw response:
 * for requests Node's HTTP client refuses to send (a newline inside a header value).
 */
export async function rawExchange(server: App, text: string): Promise<string> {
  const { port } = await addressOf(server);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** The status code of a raw HTTP/1.1 response. */
export function rawStatus(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3}) /.exec(response)?.[1] ?? 0);
}

export interface RecordingServer {
  /** An http://127.0.0.1:<port>/<name> URL on the server. */
  url(name: string): string;
  /** Every request line received so far. */
  readonly received: string[];
  close(): Promise<void>;
}

/**
 * A local HTTP server that records every request and answers with `body` (a JWKS, say): point
 * `jku`/`x5u` at it to prove nothing is ever fetched.
 */
export async function startRecordingServer(body: string): Promise<RecordingServer> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
