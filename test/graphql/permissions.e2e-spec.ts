import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, UseGuards } from '@nestjs/common';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CurrentUser, JwtAuthGuard, JwtAuthModule } from '../../lib/index.js';
import {
  IsAdminUser,
  type ObjectPermissionCheck,
  ObjectPermissions,
  OptionalAuthentication,
  PermissionClasses,
  RecentLogin,
} from '../../lib/permissions/index.js';
import { IsOwner } from '../permissions/permission-app.js';
import { ADAPTERS, createAppOn, initialised, SECRET, type TestApp, UsersModule } from '../support/apps.js';
import { InMemoryUsers } from '../support/users.js';
import { adminClaims, now, signHs } from '../support/tokens.js';

const TYPE_DEFS = /* GraphQL */ `
  type Query {
    optional: String!
    staff: String!
    fresh: String!
    owned: String!
  }
`;

@Resolver()
@UseGuards(JwtAuthGuard)
class PermissionsResolver {
  @Query('optional')
  @OptionalAuthentication()
  optional(@CurrentUser('username') username: string | undefined): string {
    return username ?? 'anonymous';
  }

  @Query('staff')
  @PermissionClasses(IsAdminUser)
  staff(@CurrentUser('username') username: string): string {
    return username;
  }

  @Query('fresh')
  @RecentLogin('5m')
  fresh(): string {
    return 'fresh';
  }

  @Query('owned')
  @PermissionClasses(IsOwner)
  async owned(@ObjectPermissions() check: ObjectPermissionCheck): Promise<string> {
    await check({ owner: 'someone' });
    return 'owned';
  }
}

async function startApp(adapter: (typeof ADAPTERS)[number]): Promise<TestApp> {
  @Module({
    imports: [
      UsersModule,
      JwtAuthModule.forRoot({ secretKey: SECRET, errorFormat: 'drf', imports: [UsersModule] }),
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        typeDefs: TYPE_DEFS,
        includeStacktraceInErrorResponses: false,
      }),
    ],
    providers: [PermissionsResolver],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  await initialised(adapter, app);
  return { app, server: app.getHttpServer(), users: app.get(InMemoryUsers), close: () => app.close() };
}

const admin = `JWT ${signHs(adminClaims())}`;

/** One GraphQL error: the message, Apollo's code for the status, Nest's body as originalError. */
function graphqlError(field: string, message: string, status: 401 | 403) {
  const error = status === 401 ? 'Unauthorized' : 'Forbidden';
  return {
    data: null,
    errors: [
      {
        message,
        locations: [{ line: 1, column: 3 }],
        path: [field],
        extensions: {
          code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
          originalError: { statusCode: status, message, error },
        },
      },
    ],
  };
}

describe.each(ADAPTERS)('Permissions on GraphQL resolvers (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(adapter);
  });
  afterAll(() => t.close());

  const query = (text: string, authorization?: string) => {
    const call = request(t.server).post('/graphql').set('Content-Type', 'application/json');
    if (authorization !== undefined) call.set('Authorization', authorization);
    return call.send({ query: text });
  };

  it('optional authentication: the user, or anonymous; a bad token is still refused', async () => {
    expect((await query('{ optional }', admin)).body).toEqual({ data: { optional: 'admin' } });
    expect((await query('{ optional }')).body).toEqual({ data: { optional: 'anonymous' } });
    const bad = await query('{ optional }', 'JWT abc');
    expect(bad.body).toEqual(graphqlError('optional', 'Error decoding signature.', 401));
  });

  it('IsAdminUser: anonymous is UNAUTHENTICATED, a user who is not staff FORBIDDEN', async () => {
    const anonymous = await query('{ staff }');
    expect(anonymous.body).toEqual(graphqlError('staff', 'Authentication credentials were not provided.', 401));
    const refused = await query('{ staff }', admin);
    expect(refused.body).toEqual(graphqlError('staff', 'You do not have permission to perform this action.', 403));
  });

  it('@RecentLogin: a refreshed token from an old login is FORBIDDEN with its message', async () => {
    const refreshed = `JWT ${signHs(adminClaims({ orig_iat: now() - 600, iat: now() }))}`;
    const response = await query('{ fresh }', refreshed);
    expect(response.body).toEqual(graphqlError('fresh', 'This action requires a recent login. Log in again.', 403));
    expect((await query('{ fresh }', `JWT ${signHs(adminClaims({ iat: now() }))}`)).body).toEqual({
      data: { fresh: 'fresh' },
    });
  });

  it('@ObjectPermissions() works in a resolver (the request is at req in its context)', async () => {
    const response = await query('{ owned }', admin);
    expect(response.body).toEqual(graphqlError('owned', 'You do not have permission to perform this action.', 403));
  });
});
