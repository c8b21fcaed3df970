import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import {
  expectAcceptedEverywhere,
  expectNoLeak,
  expectRefusedEverywhere,
  hmacToken,
  NOT_PROVIDED,
  outcome,
  PROTECTED,
  REFRESH,
  useSecurityApp,
  validClaims,
  VERIFY,
} from '../support/attacks.js';
import { errorBody } from '../support/endpoints.js';
import { ERROR_FORMATS, unauthorizedBody } from '../support/refusals.js';

/**
 * Attack suite, part 4: where a token may come from, and how big a request may be. Only the
 * Authorization header (guard) and the body's `token` field (endpoints) carry a token.
 */

const HEADER = { alg: 'HS256', typ: 'JWT' };

/** Printable garbage without spaces, deterministic. */
function garbage(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!$&'()*+,;=:@/?%";
  let text = '';
  for (let i = 0; text.length < length; i++) text += alphabet[(i * 7919 + (i >> 3)) % alphabet.length];
  return text;
}

/** Node's default limit for the request head (--max-http-header-size) is 16 KiB. */
const OVER_THE_HEADER_LIMIT = 20 * 1024;

describe.each(ADAPTERS)('attacks on the transport (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (format) => {
    const app = useSecurityApp(adapter, format);
    const notProvided = unauthorizedBody(format, NOT_PROVIDED);
    const tokenRequired = errorBody(format, 400, { token: ['This field is required.'] });

    describe('a valid token anywhere but the Authorization header or the body is never read', () => {
      it.each(['token', 'jwt', 'access_token'])('in the query string (?%s=<valid token>)', async (name) => {
        const token = hmacToken(HEADER, validClaims());
        const query = `?${name}=${token}`;
        const guard = await request(app.server).get(PROTECTED + query);
        const verify = await request(app.server)
          .post(VERIFY + query)
          .send({});
        const refresh = await request(app.server)
          .post(REFRESH + query)
          .send({});
        expect({ guard: outcome(guard), verify: outcome(verify), refresh: outcome(refresh) }).toEqual({
          guard: { status: 401, body: notProvided },
          verify: { status: 400, body: tokenRequired },
          refresh: { status: 400, body: tokenRequired },
        });
        for (const response of [guard, verify, refresh]) expectNoLeak(response, app.secrets);
      });

      it.each(['jwt', 'token', 'JWT'])('in a cookie (Cookie: %s=<valid token>)', async (name) => {
        const token = hmacToken(HEADER, validClaims());
        const guard = await request(app.server).get(PROTECTED).set('Cookie', `${name}=${token}`);
        const verify = await request(app.server).post(VERIFY).set('Cookie', `${name}=${token}`).send({});
        expect({ guard: outcome(guard), verify: outcome(verify) }).toEqual({
          guard: { status: 401, body: notProvided },
          verify: { status: 400, body: tokenRequired },
        });
      });

      it('in the JSON body of a guarded route (POST /protected-url {"token": ...})', async () => {
        const token = hmacToken(HEADER, validClaims());
        const guard = await request(app.server).post(PROTECTED).send({ token, jwt: token });
        expect(outcome(guard)).toEqual({ status: 401, body: notProvided });
      });

      it('in another header (X-Access-Token, X-JWT, Proxy-Authorization)', async () => {
        const token = hmacToken(HEADER, validClaims());
        const guard = await request(app.server)
          .get(PROTECTED)
          .set('X-Access-Token', token)
          .set('X-JWT', `JWT ${token}`)
          .set('Proxy-Authorization', `JWT ${token}`);
        expect(outcome(guard)).toEqual({ status: 401, body: notProvided });
      });
    });

    describe('size', () => {
      it('an 8 kB garbage token', async () => {
        await expectRefusedEverywhere(app, garbage(8 * 1024), 'decode');
      });

      it("an Authorization header over the server's limit: the server's 431, then it still serves", async () => {
        const response = await request(app.server)
          .get(PROTECTED)
          .set('Authorization', `JWT ${garbage(OVER_THE_HEADER_LIMIT)}`);
        expect(response.status).toBe(431);
        expectNoLeak(response, app.secrets);
        await expectAcceptedEverywhere(app, hmacToken(HEADER, validClaims()));
      });

      it("a valid token with another header over the server's limit: 431, not accepted", async () => {
        const response = await request(app.server)
          .get(PROTECTED)
          .set('Authorization', `JWT ${hmacToken(HEADER, validClaims())}`)
          .set('X-Padding', garbage(OVER_THE_HEADER_LIMIT));
        expect(response.status).toBe(431);
        expectNoLeak(response, app.secrets);
      });

      it("a token over the server's limit in the body of verify and refresh: refused, never 5xx", async () => {
        // The head limit does not apply to bodies; the body limits (Express 100 kB, Fastify 1 MiB)
        // are further away: the token is refused as undecodable.
        const token = garbage(OVER_THE_HEADER_LIMIT);
        for (const path of [VERIFY, REFRESH]) {
          const response = await request(app.server).post(path).send({ token });
          expect(outcome(response)).toEqual({
            status: 400,
            body: errorBody(format, 400, { non_field_errors: ['Error decoding signature.'] }),
          });
        }
      });
    });

    it('a valid token still works after the hostile ones', async () => {
      await expectAcceptedEverywhere(app, hmacToken(HEADER, validClaims()));
    });
  });
});
