import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ADAPTERS } from '../support/apps.js';
import { simpleJwtModule } from '../support/simplejwt.js';
import { type DocumentedApp, startDocumentedApp } from './documented-app.js';

/** The OpenAPI document of simplejwt's views: each POST with its bodies, no other method. */
describe.each(ADAPTERS)("simplejwt's views in the OpenAPI document on %s", (adapter) => {
  let documented: DocumentedApp;
  beforeAll(async () => {
    documented = await startDocumentedApp(
      adapter,
      simpleJwtModule({ tokenProtocol: 'both', simpleJwt: { rotateRefreshTokens: true } }),
    );
  });
  afterAll(() => documented?.close());

  it('documents the four views as POST only, beside the drf-jwt endpoints', () => {
    const paths = documented.document.paths;
    for (const path of ['/api/token', '/api/token/refresh', '/api/token/verify', '/api/token/blacklist']) {
      expect(Object.keys(paths[path] ?? {})).toEqual(['post']);
    }
    expect(paths['/api-token-auth']?.post).toBeDefined();
  });

  it('documents the bodies the views answer', async () => {
    const obtain = documented.document.paths['/api/token']?.post;
    const schema = (obtain?.responses['200'] as { content: Record<string, { schema: object }> }).content[
      'application/json'
    ].schema;
    expect(schema).toEqual({
      type: 'object',
      required: ['refresh', 'access'],
      properties: { refresh: expect.any(Object), access: expect.any(Object) },
    });
    const refreshed = documented.document.paths['/api/token/refresh']?.post?.responses['200'] as {
      content: Record<string, { schema: { required: string[] } }>;
    };
    expect(refreshed.content['application/json'].schema.required).toEqual(['access', 'refresh']);
    const unauthorized = obtain?.responses['401'] as {
      content: Record<string, { examples: Record<string, { value: object }> }>;
    };
    const example = unauthorized.content['application/json'].examples.credentials.value;
    const answered = await request(documented.server).post('/api/token/').send({ username: 'admin', password: 'x' });
    expect(answered.body).toEqual(example);
  });
});
