import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type LogLine, useEventApp } from '../events/event-apps.js';
import { ADAPTERS } from '../support/apps.js';
import { adminClaims, signHs } from '../support/tokens.js';

const ENDPOINTS = ['auth', 'refresh', 'verify', 'revoke', 'revoke-all'].map((name) => `/api-token-${name}/`);
const NOT_PROVIDED = 'Authentication credentials were not provided.';

const refusals = (lines: LogLine[]) => lines.filter((line) => line.text.startsWith('Refused '));
const startup = (lines: LogLine[]) => lines.filter((line) => line.text.startsWith('JwtAuthModule: '));

describe.each(ADAPTERS)('diagnostics (%s)', (adapter) => {
  describe('the default scheme, JWT', () => {
    const t = useEventApp(adapter);

    async function linesOf(send: () => Promise<unknown>): Promise<LogLine[]> {
      const before = t.logger.lines.length;
      await send();
      return t.logger.lines.slice(before);
    }

    it('logs one start-up line at log level: algorithm, scheme, endpoints, guard', () => {
      expect(startup(t.logger.lines)).toEqual([
        {
          level: 'log',
          text: `JwtAuthModule: HS256, Authorization: JWT <token>, endpoints at ${ENDPOINTS.join(', ')}, guard per route | JwtAuth`,
        },
      ]);
    });

    it('another scheme is still "not provided", and the debug line says which was sent and which expected', async () => {
      const token = signHs(adminClaims());
      const lines = await linesOf(async () => {
        const response = await request(t.server).get('/protected-url').set('Authorization', `Bearer ${token}`);
        expect(response.status).toBe(401);
        expect(response.body.message).toBe(NOT_PROVIDED);
        expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
      });
      expect(refusals(lines)).toEqual([
        {
          level: 'debug',
          text: 'Refused GET /protected-url: no credentials: Authorization scheme "Bearer" sent, "JWT" expected | JwtAuth',
        },
      ]);
    });

    it('a token sent without a scheme is named as such, never repeated', async () => {
      const token = signHs(adminClaims());
      const lines = await linesOf(async () => {
        expect((await request(t.server).get('/protected-url').set('Authorization', token)).status).toBe(401);
      });
      expect(refusals(lines)).toEqual([
        {
          level: 'debug',
          text: 'Refused GET /protected-url: no credentials: Authorization sent without a scheme, "JWT" expected | JwtAuth',
        },
      ]);
      expect(lines.filter((line) => line.text.includes(token.split('.')[1]))).toEqual([]);
    });

    it('no Authorization header at all stays "no credentials"', async () => {
      const lines = await linesOf(async () => {
        expect((await request(t.server).get('/protected-url')).status).toBe(401);
      });
      expect(refusals(lines)).toEqual([
        { level: 'debug', text: 'Refused GET /protected-url: no credentials | JwtAuth' },
      ]);
    });
  });

  describe('several schemes, a global guard, a route prefix', () => {
    const t = useEventApp(adapter, {
      jwt: { authHeaderPrefix: ['JWT', 'Bearer'], globalGuard: true, routePrefix: 'auth' },
    });

    it('the start-up line lists both schemes, the prefixed endpoints and the global guard', () => {
      const paths = ENDPOINTS.map((path) => `/auth${path}`);
      expect(startup(t.logger.lines)).toEqual([
        {
          level: 'log',
          text: `JwtAuthModule: HS256, Authorization: JWT | Bearer <token>, endpoints at ${paths.join(', ')}, guard global | JwtAuth`,
        },
      ]);
    });

    it.each(['JWT', 'Bearer', 'bearer'])('accepts "%s <token>"', async (scheme) => {
      const response = await request(t.server)
        .get('/protected-url')
        .set('Authorization', `${scheme} ${signHs(adminClaims())}`);
      expect(response.status).toBe(200);
    });

    it('challenges with the first scheme; a third one is not provided, and logged with both expected', async () => {
      const before = t.logger.lines.length;
      const response = await request(t.server).get('/protected-url').set('Authorization', 'Basic YWRtaW46cHc=');
      expect(response.status).toBe(401);
      expect(response.body.message).toBe(NOT_PROVIDED);
      expect(response.headers['www-authenticate']).toBe('JWT realm="api"');
      expect(refusals(t.logger.lines.slice(before))).toEqual([
        {
          level: 'debug',
          text: 'Refused GET /protected-url: no credentials: Authorization scheme "Basic" sent, "JWT" or "Bearer" expected | JwtAuth',
        },
      ]);
    });
  });
});
