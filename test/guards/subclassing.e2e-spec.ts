import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type ExecutionContext, Get, HttpException, Injectable, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { type Authentication, JwtAuthGuard, JwtAuthModule, type Refusal } from '../../lib/index.js';
import { ADAPTERS, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { startCustomApp } from '../support/custom-app.js';
import { adminClaims, now, signHs } from '../support/tokens.js';

/** Answers refusals as RFC 9457 problem details, keeping the status and the reference's text. */
@Injectable()
class ProblemGuard extends JwtAuthGuard {
  protected override async renderRefusal(refusal: Refusal, context: ExecutionContext): Promise<Error> {
    if (context.getType() !== 'http') return super.renderRefusal(refusal, context);
    return new HttpException({ type: 'about:blank', title: refusal.message, status: refusal.status }, refusal.status);
  }
}

/** Adds a check of its own after the module's: only users named admin get through. */
@Injectable()
class AdminsOnlyGuard extends JwtAuthGuard {
  override async authenticate(request: Parameters<JwtAuthGuard['authenticate']>[0]): Promise<Authentication> {
    const result = await super.authenticate(request);
    if (result.refusal !== undefined) return result;
    const username = (result.user as { username?: string }).username;
    return username === 'admin' ? result : { refusal: { status: 403, reason: 'not admin', message: 'Admins only.' } };
  }
}

@Controller()
class GuardedController {
  @Get('problem')
  @UseGuards(ProblemGuard)
  problem(): object {
    return { ok: true };
  }

  @Get('admins')
  @UseGuards(AdminsOnlyGuard)
  admins(): object {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('JwtAuthGuard subclasses (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startCustomApp(adapter, {
      imports: [JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', imports: [UsersModule] })],
      controllers: [GuardedController],
    });
  });
  afterAll(() => t.close());

  it('renderRefusal changes the body of a refusal, keeping its status and text', async () => {
    const response = await request(t.server).get('/problem');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Authentication credentials were not provided.',
      status: 401,
    });
  });

  it('renderRefusal gets every kind of refusal: an expired token', async () => {
    const token = signHs(adminClaims({ exp: now() - 10 }));
    const response = await request(t.server).get('/problem').set('Authorization', `JWT ${token}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ type: 'about:blank', title: 'Signature has expired.', status: 401 });
  });

  it('a valid token still passes the subclass', async () => {
    const response = await request(t.server)
      .get('/problem')
      .set('Authorization', `JWT ${signHs(adminClaims())}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
  });

  it('authenticate can add a refusal of its own, rendered as the module renders its own', async () => {
    const other = signHs(adminClaims({ username: 'other', user_id: 7 }));
    t.users.add({ id: 7, username: 'other', password: 'x', isActive: true });
    const refused = await request(t.server).get('/admins').set('Authorization', `JWT ${other}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: 'Admins only.' });
    const admin = await request(t.server)
      .get('/admins')
      .set('Authorization', `JWT ${signHs(adminClaims())}`);
    expect(admin.status).toBe(200);
  });
});
