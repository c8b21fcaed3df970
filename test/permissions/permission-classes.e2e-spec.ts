import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { ADAPTERS, type TestApp } from '../support/apps.js';
import { ERROR_FORMATS, type ErrorFormatName, expectRefusal } from '../support/refusals.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import { NOT_PROVIDED, type OpeningHours, PERMISSION_DENIED, startPermissionsApp } from './permission-app.js';

const admin = `JWT ${signHs(adminClaims())}`;
const staff = `JWT ${signHs(adminClaims({ user_id: 3, username: 'staff', email: '' }))}`;

/** DRF's PermissionDenied: 403, the message, no challenge, exactly the format's body. */
function expectForbidden(response: Response, message: string, format: ErrorFormatName): void {
  const body = format === 'drf' ? { detail: message } : { statusCode: 403, message, error: 'Forbidden' };
  expect({ status: response.status, body: response.body as unknown }).toEqual({ status: 403, body });
  expect(response.text).toBe(JSON.stringify(body));
  expect(response.headers['www-authenticate']).toBeUndefined();
}

describe.each(ADAPTERS)('Permission classes (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (errorFormat) => {
    let t: TestApp & { hours: OpeningHours };
    beforeAll(async () => {
      t = await startPermissionsApp(adapter, { errorFormat });
    });
    afterAll(() => t.close());

    describe('optional authentication (DRF: AllowAny with the authentication class)', () => {
      it('a valid token: the route sees the user', async () => {
        const response = await request(t.server).get('/perm/optional').set('Authorization', admin);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ username: 'admin' });
      });

      it('no token: the route runs for an anonymous user', async () => {
        const response = await request(t.server).get('/perm/optional');
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ username: 'anonymous' });
      });

      it('an expired token is still the 401 with its message', async () => {
        const expired = signHs(adminClaims({ exp: now() - 10 }));
        const response = await request(t.server).get('/perm/optional').set('Authorization', `JWT ${expired}`);
        expectRefusal(response, 'Signature has expired.', errorFormat);
      });

      it('a token that is not a JWT is still the 401 with its message', async () => {
        const response = await request(t.server).get('/perm/optional').set('Authorization', 'JWT abc');
        expectRefusal(response, 'Error decoding signature.', errorFormat);
      });

      it('a malformed Authorization header is still the 401 with its message', async () => {
        const response = await request(t.server).get('/perm/optional').set('Authorization', 'JWT');
        expectRefusal(response, 'Invalid Authorization header. No credentials provided.', errorFormat);
      });

      it('a revoked token is still the 401 with its message', async () => {
        const token = signHs(adminClaims({ jti: 'revoked-one' }));
        const revoked = await request(t.server).post('/api-token-revoke/').send({ token });
        expect(revoked.status).toBe(200);
        const response = await request(t.server).get('/perm/optional').set('Authorization', `JWT ${token}`);
        expectRefusal(response, 'Token has been revoked.', errorFormat);
      });

      it('@Public() keeps its meaning: no authentication, not even of a valid token', async () => {
        const response = await request(t.server).get('/perm/public').set('Authorization', admin);
        expect(response.body).toEqual({ username: null });
        const bad = await request(t.server).get('/perm/public').set('Authorization', 'JWT abc');
        expect(bad.status).toBe(200);
      });
    });

    describe("DRF's rule: 401 for an anonymous request, 403 for an authenticated one", () => {
      it('no permission classes: IsAuthenticated, as before (401 not provided)', async () => {
        expectRefusal(await request(t.server).get('/perm/default'), NOT_PROVIDED, errorFormat);
        const response = await request(t.server).get('/perm/default').set('Authorization', admin);
        expect(response.body).toEqual({ username: 'admin' });
      });

      it('IsAdminUser: anonymous is asked for credentials, with WWW-Authenticate', async () => {
        expectRefusal(await request(t.server).get('/perm/admin'), NOT_PROVIDED, errorFormat);
      });

      it('IsAdminUser: a user who is not staff is refused with 403', async () => {
        const response = await request(t.server).get('/perm/admin').set('Authorization', admin);
        expectForbidden(response, PERMISSION_DENIED, errorFormat);
      });

      it('IsAdminUser: a staff user (UserLookupService.isStaff reads isStaff) passes', async () => {
        const response = await request(t.server).get('/perm/admin').set('Authorization', staff);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ username: 'staff' });
      });

      it('IsAuthenticatedOrReadOnly: GET and HEAD for anyone, POST authenticated only', async () => {
        expect((await request(t.server).get('/perm/readonly')).body).toEqual({ read: true });
        expect((await request(t.server).head('/perm/readonly')).status).toBe(200);
        expectRefusal(await request(t.server).post('/perm/readonly'), NOT_PROVIDED, errorFormat);
        const written = await request(t.server).post('/perm/readonly').set('Authorization', admin);
        expect(written.status).toBe(201);
        expect(written.body).toEqual({ written: true });
      });

      it('a custom class (injected by Nest) answers with its own message', async () => {
        t.hours.open = true;
        expect((await request(t.server).get('/perm/custom').set('Authorization', admin)).status).toBe(200);
        t.hours.open = false;
        try {
          const response = await request(t.server).get('/perm/custom').set('Authorization', admin);
          expectForbidden(response, 'The shop is closed.', errorFormat);
        } finally {
          t.hours.open = true;
        }
      });

      it('classes are checked in order: anonymous meets IsAuthenticated first (401)', async () => {
        t.hours.open = false;
        try {
          expectRefusal(await request(t.server).get('/perm/custom'), NOT_PROVIDED, errorFormat);
        } finally {
          t.hours.open = true;
        }
      });
    });

    describe('per controller, and the route overriding its controller', () => {
      it("the controller's IsAdminUser applies to its routes", async () => {
        expectForbidden(
          await request(t.server).get('/staff-area').set('Authorization', admin),
          PERMISSION_DENIED,
          errorFormat,
        );
        expect((await request(t.server).get('/staff-area').set('Authorization', staff)).status).toBe(200);
      });

      it("a route's own classes replace the controller's", async () => {
        const response = await request(t.server).get('/staff-area/lobby');
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ lobby: true });
      });
    });
  });
});
