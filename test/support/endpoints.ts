import { expect } from '@jest/globals';
import type { DynamicModule } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import request, { type Response } from 'supertest';
import type { App } from 'supertest/types.js';
import { JwtAuthModule, type JwtAuthModuleExtras, type JwtAuthModuleOptions } from '../../lib/index.js';
import { type AdapterName, SECRET, useApp, UsersModule } from './apps.js';
import type { InMemoryUsers, TestUser } from './users.js';

/** Helpers for the e2e tests of the three token endpoints (test/endpoints). */

export const ENDPOINT_ERROR_FORMATS = ['drf', 'nest'] as const;
export type EndpointErrorFormat = (typeof ENDPOINT_ERROR_FORMATS)[number];

export const OBTAIN = '/api-token-auth/';
export const VERIFY = '/api-token-verify/';
export const REFRESH = '/api-token-refresh/';
export const ENDPOINTS = [OBTAIN, VERIFY, REFRESH] as const;
export type EndpointPath = (typeof ENDPOINTS)[number];

/** The body fields each endpoint reads. */
export const ENDPOINT_FIELDS: Record<EndpointPath, readonly string[]> = {
  [OBTAIN]: ['username', 'password'],
  [VERIFY]: ['token'],
  [REFRESH]: ['token'],
};

/** Logs in through the endpoint (the test user admin / abc123 by default): the token. */
export async function obtainToken(server: App, username = 'admin', password = 'abc123'): Promise<string> {
  const response = await request(server).post(OBTAIN).send({ username, password });
  expect(response.status).toBe(200);
  return response.body.token as string;
}

export const REQUIRED = 'This field is required.';
export const BLANK = 'This field may not be blank.';
export const NULL = 'This field may not be null.';
export const NOT_A_STRING = 'Not a valid string.';
export const NULL_CHARACTERS = 'Null characters are not allowed.';
export const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.';
export const EXPIRED = 'Signature has expired.';
export const DECODE_ERROR = 'Error decoding signature.';
export const INVALID_TOKEN = 'Invalid token.';
export const INVALID_PAYLOAD = 'Invalid payload.';
export const USER_NOT_FOUND = "User doesn't exist.";
export const USER_DISABLED = 'User account is disabled.';
export const ORIG_IAT_REQUIRED = 'orig_iat field is required.';
export const REFRESH_EXPIRED = 'Refresh has expired.';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A second HS256 secret, long enough, that the apps do not use. */
export const OTHER_SECRET = 'another-secret-that-is-also-long-enough-for-hs256';

export type TokenModuleOptions = JwtAuthModuleOptions<TestUser> & JwtAuthModuleExtras;

/**
 * JwtAuthModule.forRoot with the test secret and the in-memory users. The login limits are off
 * (these tests log in hundreds of times): test/endpoints/login-throttle.e2e-spec.ts turns them on.
 */
export function tokenModule(options: TokenModuleOptions = {}): DynamicModule {
  return JwtAuthModule.forRoot({
    secretKey: SECRET,
    imports: [UsersModule],
    loginThrottle: false,
    ...(options as JwtAuthModuleOptions),
  });
}

export interface LiveApp {
  readonly server: App;
  readonly users: InMemoryUsers;
}

/**
 * Starts one app for the enclosing describe block (beforeAll) and closes it (afterAll); the
 * user store is reset after each test. Call it only in describe blocks that have no app in an
 * enclosing block, so that no two apps (and their global Passport strategies) are alive at once.
 */
export function useTokenApp(adapter: AdapterName, options: TokenModuleOptions = {}): LiveApp {
  return useApp(adapter, () => tokenModule(options), { resetUsers: true });
}

/** POST a JSON value (any value: object, array, string, null...) as application/json. */
export function postJson(server: App, path: string, body: unknown): Promise<Response> {
  return request(server).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

/** POST raw text with the given Content-Type. */
export function postRaw(server: App, path: string, contentType: string, text: string): Promise<Response> {
  return request(server).post(path).set('Content-Type', contentType).send(text);
}

/** POST an application/x-www-form-urlencoded body, written by hand (repeated keys allowed). */
export function postForm(server: App, path: string, encoded: string): Promise<Response> {
  return postRaw(server, path, 'application/x-www-form-urlencoded', encoded);
}

/** POST a multipart/form-data body; fields are sent in order (repeated names allowed). */
export async function postMultipart(server: App, path: string, fields: [string, string][]): Promise<Response> {
  let test = request(server).post(path);
  for (const [name, value] of fields) test = test.field(name, value);
  return test;
}

/** The documented DRF error bodies. */
export type DrfErrorBody = { detail: string } | Record<string, string[]>;

export const nonField = (message: string): Record<string, string[]> => ({ non_field_errors: [message] });
export const detail = (message: string): { detail: string } => ({ detail: message });

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

/**
 * The body of an error in the given format. 'drf' is the documented body itself. 'nest' is
 * `{statusCode, message, error}` with the same texts: a `detail` or a single non-field error is
 * the message; field errors are an array of "field: text" lines.
 */
export function errorBody(format: EndpointErrorFormat, status: number, drf: DrfErrorBody): object {
  if (format === 'drf') return drf;
  const entries = Object.entries(drf) as [string, string | string[]][];
  let message: string | string[];
  if ('detail' in drf && typeof drf.detail === 'string') {
    message = drf.detail;
  } else if (entries.length === 1 && entries[0][0] === 'non_field_errors' && entries[0][1].length === 1) {
    message = entries[0][1][0];
  } else {
    message = entries.flatMap(([field, texts]) =>
      (texts as string[]).map((text) => (field === 'non_field_errors' ? text : `${field}: ${text}`)),
    );
  }
  return { statusCode: status, message, error: STATUS_TEXT[status] };
}

/**
 * Asserts an error response: status and parsed body (toEqual), JSON content type and, with
 * `raw`, the response text byte for byte.
 */
export function expectError(
  response: Response,
  format: EndpointErrorFormat,
  status: number,
  drf: DrfErrorBody,
  { raw = false }: { raw?: boolean } = {},
): void {
  const expected = errorBody(format, status, drf);
  expect({ status: response.status, body: response.body as unknown }).toEqual({ status, body: expected });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  if (raw) expect(response.text).toBe(JSON.stringify(expected));
}

/** The token in a 200 `{"token": ...}` response (fails the test otherwise). */
export function tokenOf(response: Response): string {
  expect(response.status).toBe(200);
  const token = (response.body as { token?: unknown }).token;
  expect(typeof token).toBe('string');
  return token as string;
}

/** The raw (undecoded) JSON text of a token's header. */
export function rawHeaderOf(token: string): string {
  return Buffer.from(token.split('.')[0], 'base64url').toString('utf8');
}

/** Whether a token's signature is HMAC-SHA256 with `secret`, computed independently. */
export function hasHs256Signature(token: string, secret = SECRET): boolean {
  const [head, body, signature] = token.split('.');
  return createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url') === signature;
}

/** A copy of the claims without the named ones. */
export function without(claims: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));
}

/** A response text with no trace of a stack or of server internals. */
export function expectNoStackTrace(response: Response): void {
  const text = response.text ?? '';
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|\.js:\d+|Error: /);
}

/** Headers that must match between two responses that should look the same (Date excluded). */
export function comparableHeaders(response: Response): Record<string, string> {
  const headers = { ...(response.headers as Record<string, string>) };
  delete headers.date;
  return headers;
}
