import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS, type TestApp } from '../support/apps.js';
import { expectRefusal } from '../support/refusals.js';
import { adminClaims, signHs } from '../support/tokens.js';
import { NOT_PROVIDED, type OpeningHours, PERMISSION_DENIED, startPermissionsApp } from './permission-app.js';

const admin = `JWT ${signHs(adminClaims())}`;
const staff = `JWT ${signHs(adminClaims({ user_id: 3, username: 'staff', email: '' }))}`;
const FORBIDDEN = { detail: PERMISSION_DENIED };

describe.each(ADAPTERS)('Composed permissions and object permissions (%s)', (adapter) => {
  let t: TestApp & { hours: OpeningHours };
  beforeAll(async () => {
    t = await startPermissionsApp(adapter, { errorFormat: 'drf' });
  });
  afterAll(() => t.close());

  const get = (path: string, authorization?: string) => {
    const call = request(t.server).get(path);
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  describe('and(A, B): DRF IsAuthenticated & IsAdminUser', () => {
    it('staff passes; a user who is not staff gets 403; anonymous 401', async () => {
      expect((await get('/perm/and', staff)).status).toBe(200);
      const refused = await get('/perm/and', admin);
      expect({ status: refused.status, body: refused.body as unknown }).toEqual({ status: 403, body: FORBIDDEN });
      expectRefusal(await get('/perm/and'), NOT_PROVIDED, 'drf');
    });
  });

  describe('or(A, B): DRF IsAdminUser | DuringOpeningHours', () => {
    it('either one grants; a composition has no message of its own (DRF default text)', async () => {
      t.hours.open = true;
      expect((await get('/perm/or', admin)).status).toBe(200);
      t.hours.open = false;
      try {
        expect((await get('/perm/or', staff)).status).toBe(200);
        const refused = await get('/perm/or', admin);
        expect({ status: refused.status, body: refused.body as unknown }).toEqual({ status: 403, body: FORBIDDEN });
        expectRefusal(await get('/perm/or'), NOT_PROVIDED, 'drf');
      } finally {
        t.hours.open = true;
      }
    });
  });

  describe('not(A): DRF ~IsAuthenticated', () => {
    it('anonymous passes; an authenticated user is refused with 403', async () => {
      expect((await get('/perm/not')).status).toBe(200);
      const refused = await get('/perm/not', admin);
      expect({ status: refused.status, body: refused.body as unknown }).toEqual({ status: 403, body: FORBIDDEN });
    });
  });

  describe('@ObjectPermissions(): DRF check_object_permissions from a handler', () => {
    it("the owner gets the object; another user gets 403, answered as the guard's refusals", async () => {
      const own = await get('/perm/owned/admin', admin);
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ owner: 'admin' });
      const other = await get('/perm/owned/someone', admin);
      expect({ status: other.status, body: other.body as unknown }).toEqual({ status: 403, body: FORBIDDEN });
      expect(other.headers['www-authenticate']).toBeUndefined();
    });

    it('or() of object permissions counts an operand only where it grants the request (DRF OR)', async () => {
      // IsAdminUser's hasObjectPermission is BasePermission's (true): without DRF's rule, it
      // would let a user who is not staff see every object.
      const other = await get('/perm/staff-or-owner/someone', admin);
      expect({ status: other.status, body: other.body as unknown }).toEqual({ status: 403, body: FORBIDDEN });
      expect((await get('/perm/staff-or-owner/admin', admin)).status).toBe(200);
      expect((await get('/perm/staff-or-owner/someone', staff)).status).toBe(200);
    });

    it('an object refusal of an anonymous request is the 401 with WWW-Authenticate', async () => {
      // or(IsOwner, not(IsAuthenticated)) lets anonymous through the guard; not(IsAuthenticated)
      // grants the object to nobody, and IsOwner refuses an anonymous user: DRF answers 401.
      expectRefusal(await get('/perm/optional-owned/admin'), NOT_PROVIDED, 'drf');
      expect((await get('/perm/optional-owned/admin', admin)).status).toBe(200);
    });

    it('works on a route with only the default permissions (IsAuthenticated grants every object)', async () => {
      // The guard keeps the route's permissions beside the request for handlers that take
      // @ObjectPermissions(); without them the check would fail closed (a 500).
      const own = await get('/perm/default-owned/someone', admin);
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ owner: 'someone' });
      expectRefusal(await get('/perm/default-owned/someone'), NOT_PROVIDED, 'drf');
    });
  });
});
