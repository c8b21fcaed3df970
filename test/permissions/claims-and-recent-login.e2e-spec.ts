import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { JwtAuthGuard, JwtAuthModule } from '../../lib/index.js';
import {
  IsAdminUser,
  OptionalAuthentication,
  PermissionClasses,
  RecentLogin,
  RequireClaims,
  RequireRoles,
  RequireScopes,
} from '../../lib/permissions/index.js';
import { ADAPTERS, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { startCustomApp } from '../support/custom-app.js';
import { ERROR_FORMATS, expectRefusal } from '../support/refusals.js';
import { adminClaims, now, signHs } from '../support/tokens.js';
import { NOT_PROVIDED } from './permission-app.js';

const RECENT_LOGIN = 'This action requires a recent login. Log in again.';

@Controller('claims')
@UseGuards(JwtAuthGuard)
@RequireClaims({ tenant: ['acme', 'globex'] })
class ClaimsController {
  @Get('scopes')
  @RequireScopes('articles:read', 'articles:write')
  scopes() {
    return { ok: true };
  }

  @Get('roles')
  @RequireRoles('editor', 'admin')
  roles() {
    return { ok: true };
  }

  @Get('tenant')
  tenant() {
    return { ok: true };
  }

  @Get('fresh')
  @RecentLogin('5m')
  fresh() {
    return { ok: true };
  }

  @Get('fresh-optional')
  @OptionalAuthentication()
  @RecentLogin('5m')
  freshOptional() {
    return { ok: true };
  }
}

@Controller('stateless-staff')
@UseGuards(JwtAuthGuard)
class StatelessStaffController {
  @Get()
  @PermissionClasses(IsAdminUser)
  staff() {
    return { staff: true };
  }
}

const token = (claims: Record<string, unknown>) => `JWT ${signHs(adminClaims({ tenant: 'acme', ...claims }))}`;

describe.each(ADAPTERS)('Claims, scopes and roles; recent login (%s)', (adapter) => {
  describe.each(ERROR_FORMATS)('errorFormat %s', (errorFormat) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startCustomApp(adapter, {
        imports: [JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat, imports: [UsersModule] })],
        controllers: [ClaimsController],
      });
    });
    afterAll(() => t.close());

    const get = (path: string, authorization?: string) => {
      const call = request(t.server).get(path);
      return authorization === undefined ? call : call.set('Authorization', authorization);
    };
    const forbidden = (message: string) =>
      errorFormat === 'drf' ? { detail: message } : { statusCode: 403, message, error: 'Forbidden' };

    it('scopes: every one required, as a space-separated `scope` string or a list', async () => {
      expect((await get('/claims/scopes', token({ scope: 'profile articles:write articles:read' }))).status).toBe(200);
      expect((await get('/claims/scopes', token({ scope: ['articles:read', 'articles:write'] }))).status).toBe(200);
      const partial = await get('/claims/scopes', token({ scope: 'articles:read' }));
      expect({ status: partial.status, body: partial.body as unknown }).toEqual({
        status: 403,
        body: forbidden('The token lacks the required scopes: articles:read articles:write.'),
      });
      expect((await get('/claims/scopes', token({}))).status).toBe(403);
      expect((await get('/claims/scopes', token({ scope: 42 }))).status).toBe(403);
    });

    it('roles: one of them suffices', async () => {
      expect((await get('/claims/roles', token({ roles: ['viewer', 'editor'] }))).status).toBe(200);
      expect((await get('/claims/roles', token({ roles: 'admin' }))).status).toBe(200);
      const refused = await get('/claims/roles', token({ roles: ['viewer'] }));
      expect({ status: refused.status, body: refused.body as unknown }).toEqual({
        status: 403,
        body: forbidden('The token has none of the roles: editor, admin.'),
      });
    });

    it("claims on the controller apply to each route, beside the route's own", async () => {
      expect((await get('/claims/tenant', token({ tenant: 'globex' }))).status).toBe(200);
      const other = await get('/claims/tenant', token({ tenant: 'initech' }));
      expect({ status: other.status, body: other.body as unknown }).toEqual({
        status: 403,
        body: forbidden("The token's tenant claim does not allow this action."),
      });
      const both = await get('/claims/roles', token({ tenant: 'initech', roles: ['admin'] }));
      expect(both.status).toBe(403);
    });

    it('anonymous requests are asked for credentials (401), as DRF asks for any refused permission', async () => {
      expectRefusal(await get('/claims/scopes'), NOT_PROVIDED, errorFormat);
    });

    describe('@RecentLogin: measured from orig_iat (the login), not iat (the last refresh)', () => {
      it('a token refreshed just now from a login 10 minutes ago is refused with 403 and its message', async () => {
        const refreshed = token({ orig_iat: now() - 600, iat: now() });
        const response = await get('/claims/fresh', refreshed);
        expect({ status: response.status, body: response.body as unknown }).toEqual({
          status: 403,
          body: forbidden(RECENT_LOGIN),
        });
        expect(response.headers['www-authenticate']).toBeUndefined();
      });

      it('a login a minute ago passes, refreshed or not', async () => {
        expect((await get('/claims/fresh', token({ orig_iat: now() - 60, iat: now() }))).status).toBe(200);
        expect((await get('/claims/fresh', token({ orig_iat: now() - 60, iat: now() - 60 }))).status).toBe(200);
      });

      it('without orig_iat (allowRefresh off), iat is the login; a token with neither, or an orig_iat that is no time, is refused', async () => {
        expect((await get('/claims/fresh', token({ iat: now() - 60 }))).status).toBe(200);
        expect((await get('/claims/fresh', token({ iat: now() - 600 }))).status).toBe(403);
        expect((await get('/claims/fresh', token({}))).status).toBe(403);
        expect((await get('/claims/fresh', token({ orig_iat: 'yesterday', iat: now() }))).status).toBe(403);
      });

      it('anonymous: 401, even on a route that authenticates optionally', async () => {
        expectRefusal(await get('/claims/fresh'), NOT_PROVIDED, errorFormat);
        expectRefusal(await get('/claims/fresh-optional'), NOT_PROVIDED, errorFormat);
        expect((await get('/claims/fresh-optional', token({ iat: now() }))).status).toBe(200);
      });
    });
  });
});

describe.each(ADAPTERS)('Claim names from the permissions option (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startCustomApp(adapter, {
      imports: [
        JwtAuthModule.forRoot({
          secretKey: SECRET,
          imports: [UsersModule],
          permissions: { scopesClaim: 'scp', rolesClaim: 'groups' },
        }),
      ],
      controllers: [ClaimsController],
    });
  });
  afterAll(() => t.close());

  it('scopes and roles are read from the configured claims only', async () => {
    const scp = token({ scp: ['articles:read', 'articles:write'] });
    expect((await request(t.server).get('/claims/scopes').set('Authorization', scp)).status).toBe(200);
    const scope = token({ scope: 'articles:read articles:write' });
    expect((await request(t.server).get('/claims/scopes').set('Authorization', scope)).status).toBe(403);
    const groups = token({ groups: ['editor'] });
    expect((await request(t.server).get('/claims/roles').set('Authorization', groups)).status).toBe(200);
  });
});

describe.each(ADAPTERS)('stateless: true, claims and staff from the token alone (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startCustomApp(adapter, {
      imports: [JwtAuthModule.forRoot({ secretKey: SECRET, imports: [UsersModule], stateless: true })],
      controllers: [ClaimsController, StatelessStaffController],
    });
  });
  afterAll(() => t.close());

  it("scopes are read from the TokenUser's payload", async () => {
    const scoped = token({ username: 'nobody-in-the-store', scope: 'articles:read articles:write' });
    expect((await request(t.server).get('/claims/scopes').set('Authorization', scoped)).status).toBe(200);
  });

  it("IsAdminUser reads is_staff from the token's claims", async () => {
    const staff = token({ is_staff: true });
    expect((await request(t.server).get('/stateless-staff').set('Authorization', staff)).status).toBe(200);
    expect((await request(t.server).get('/stateless-staff').set('Authorization', token({}))).status).toBe(403);
  });
});
