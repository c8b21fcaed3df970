/**
 * One request, sent the same way to Django (simplejwt) and to a Nest app, and its answer reduced
 * to what must match: status, JSON body (every token in it replaced by "<jwt>", as two servers
 * never issue the same token) and WWW-Authenticate.
 */
import request from 'supertest';
import type { App } from 'supertest/types.js';
import type { SharedKey } from './simplejwt-tokens.js';

/** A server the requests go to: a base URL (Django) or a Nest app's HTTP server. */
export interface Side {
  readonly label: string;
  readonly target: string | App;
  readonly key: SharedKey;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  authorization?: string;
  /** The body, sent as JSON (the default), form-urlencoded or multipart/form-data. */
  body?: Record<string, string>;
  encoding?: 'json' | 'form' | 'multipart';
}

export interface Answer {
  status: number;
  body: unknown;
  wwwAuthenticate?: string;
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The body with every JWT replaced by "<jwt>". */
function withoutTokens(body: unknown): unknown {
  if (typeof body === 'string') return JWT.test(body) ? '<jwt>' : body;
  if (Array.isArray(body)) return body.map(withoutTokens);
  if (body !== null && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, withoutTokens(value)]));
  }
  return body;
}

export async function send(side: Side, spec: RequestSpec): Promise<Answer> {
  const agent = request(side.target);
  let test = spec.method === 'GET' ? agent.get(spec.path) : agent.post(spec.path);
  if (spec.authorization !== undefined) test = test.set('Authorization', spec.authorization);
  if (spec.body !== undefined) {
    if (spec.encoding === 'multipart') {
      for (const [name, value] of Object.entries(spec.body)) test = test.field(name, value);
    } else {
      test = test.type(spec.encoding === 'form' ? 'form' : 'json').send(spec.body);
    }
  }
  const response = await test;
  const header = response.headers['www-authenticate'] as string | undefined;
  const answer: Answer = {
    status: response.status,
    body: withoutTokens(response.body),
  };
  if (header !== undefined) answer.wwwAuthenticate = header;
  return answer;
}

/** The pair a login of `username` gets from this side (fails the test otherwise). */
export async function obtainPair(
  side: Side,
  username = 'admin',
  password = 'abc123',
): Promise<{ refresh: string; access: string }> {
  const response = await request(side.target).post('/api/token/').send({ username, password });
  if (response.status !== 200) {
    throw new Error(`${side.label}: login of ${username} answered ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body as { refresh: string; access: string };
}

/**
 * With rotation: refreshes a fresh login's refresh token; `given` is the token refreshed (then
 * blacklisted), `next` the new refresh token answered.
 */
export async function rotate(side: Side): Promise<{ given: string; next: string }> {
  const { refresh: given } = await obtainPair(side);
  const response = await request(side.target).post('/api/token/refresh/').send({ refresh: given });
  const next = (response.body as { refresh?: unknown }).refresh;
  if (response.status !== 200 || typeof next !== 'string') {
    throw new Error(`${side.label}: rotation answered ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { given, next };
}

/** A sliding token from this side's sliding login view. */
export async function obtainSliding(side: Side, path: string): Promise<string> {
  const response = await request(side.target).post(path).send({ username: 'admin', password: 'abc123' });
  if (response.status !== 200) {
    throw new Error(`${side.label}: sliding login answered ${response.status} ${JSON.stringify(response.body)}`);
  }
  return (response.body as { token: string }).token;
}

/** The WWW-Authenticate of simplejwt's 401s (AUTH_HEADER_TYPES[0] is Bearer). */
export const CHALLENGE = 'Bearer realm="api"';

export const ok = (body: unknown): Answer => ({ status: 200, body });
export const badRequest = (body: unknown): Answer => ({ status: 400, body });
export const unauthorized = (body: unknown): Answer => ({ status: 401, body, wwwAuthenticate: CHALLENGE });

/** A view's answer to a token error: `{"detail": message, "code": "token_not_valid"}`. */
export const tokenNotValid = (message: string): Answer => unauthorized({ detail: message, code: 'token_not_valid' });

/** JWTAuthentication's answer when the bearer is not a valid access token. */
export const notValidForAnyType = (message: string, type: 'access' | 'sliding' = 'access'): Answer =>
  unauthorized({
    detail: 'Given token not valid for any token type',
    code: 'token_not_valid',
    messages: [{ token_class: type === 'access' ? 'AccessToken' : 'SlidingToken', token_type: type, message }],
  });
