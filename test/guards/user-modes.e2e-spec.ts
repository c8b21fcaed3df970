import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { JwtAuthModule } from '../../lib/index.js';
import { ADAPTERS, type LiveTestApp, SECRET, useApp, UsersModule } from '../support/apps.js';
import { adminClaims, signHs } from '../support/tokens.js';

const guarded = (t: LiveTestApp, token: string) =>
  request(t.server).get('/protected-url').set('Authorization', `JWT ${token}`);

describe.each(ADAPTERS)('how the guard finds the user (%s)', (adapter) => {
  describe('userCacheTtl: 1 (seconds)', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', userCacheTtl: 1, imports: [UsersModule] }),
    );

    it('keeps serving a cached user deactivated meanwhile, until the ttl passes (the documented trade-off)', async () => {
      const token = signHs(adminClaims());
      expect((await guarded(t, token)).status).toBe(200);
      t.users.users.get('admin')!.isActive = false;
      expect((await guarded(t, token)).status).toBe(200);
      await sleep(1100);
      const refused = await guarded(t, token);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ detail: 'User account is disabled.' });
    });

    it('never caches for the endpoints: verify sees the deactivation at once', async () => {
      t.users.reset();
      const token = signHs(adminClaims());
      expect((await guarded(t, token)).status).toBe(200);
      t.users.users.get('admin')!.isActive = false;
      const verify = await request(t.server).post('/api-token-verify/').send({ token });
      expect(verify.body).toEqual({ non_field_errors: ['User account is disabled.'] });
    });
  });

  describe('default: no user cache', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', imports: [UsersModule] }),
    );

    it('refuses a user deactivated between two requests', async () => {
      const token = signHs(adminClaims());
      expect((await guarded(t, token)).status).toBe(200);
      t.users.users.get('admin')!.isActive = false;
      expect((await guarded(t, token)).body).toEqual({ detail: 'User account is disabled.' });
    });
  });

  describe('stateless: true', () => {
    const t = useApp(adapter, () =>
      JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', stateless: true, imports: [UsersModule] }),
    );

    it('builds the user from the claims: a user the store never had is let in (the documented trade-off)', async () => {
      const response = await guarded(t, signHs(adminClaims({ username: 'ghost', user_id: 99 })));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ username: 'ghost' });
    });

    it('still refuses what the token itself gets wrong', async () => {
      const noUsername = await guarded(t, signHs(adminClaims({ username: '' })));
      expect(noUsername.body).toEqual({ detail: 'Invalid payload.' });
      const expired = await guarded(t, signHs(adminClaims({ exp: 1000 })));
      expect(expired.body).toEqual({ detail: 'Signature has expired.' });
    });

    it('leaves the endpoints stateful: verify still finds no such user', async () => {
      const verify = await request(t.server)
        .post('/api-token-verify/')
        .send({ token: signHs(adminClaims({ username: 'ghost' })) });
      expect(verify.body).toEqual({ non_field_errors: ["User doesn't exist."] });
    });
  });
});
