import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module, type Type, UseGuards } from '@nestjs/common';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { CurrentUser, JwtAuthGuard, Public } from '../../lib/index.js';
import { type AdapterName, createAppOn, initialised, type TestApp, UsersModule } from '../support/apps.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';

/** Schema-first: the resolvers below answer these fields. */
export const TYPE_DEFS = /* GraphQL */ `
  type User {
    username: String!
    email: String
  }
  type Query {
    me: String!
    whoami: User!
    hello: String!
    plain: String
  }
`;

/** Guarded as a whole, as a controller would be; `hello` is opened with @Public(). */
@Resolver()
@UseGuards(JwtAuthGuard)
export class GuardedResolver {
  @Query('me')
  me(@CurrentUser('username') username: string): string {
    return username;
  }

  @Query('whoami')
  whoami(@CurrentUser() user: TestUser): Pick<TestUser, 'username' | 'email'> {
    return { username: user.username, email: user.email };
  }

  @Query('hello')
  @Public()
  hello(): string {
    return 'world';
  }

  @Query('plain')
  plain(): string {
    return 'plain';
  }
}

/** No guard of its own: protected only when JwtAuthGuard is global. */
@Resolver()
export class OpenResolver {
  @Query('me')
  me(@CurrentUser('username') username: string): string {
    return username;
  }

  @Query('whoami')
  whoami(@CurrentUser() user: TestUser): Pick<TestUser, 'username' | 'email'> {
    return { username: user.username, email: user.email };
  }

  @Query('hello')
  @Public()
  hello(): string {
    return 'world';
  }

  @Query('plain')
  plain(): string {
    return 'plain';
  }
}

/**
 * A real Nest app serving `/graphql` with Apollo (ApolloDriver: @as-integrations/express5 on
 * Express, @as-integrations/fastify on Fastify), configured as users would: no `context` option,
 * so @nestjs/apollo puts the request at `req` in the GraphQL context.
 */
export async function startGraphqlApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  resolver: Type<unknown>,
  { inFeatureModule = false }: { inFeatureModule?: boolean } = {},
): Promise<TestApp> {
  /** With `inFeatureModule`, the resolver lives in a feature module that does not import JwtAuthModule. */
  @Module({ providers: [resolver] })
  class ResolverFeatureModule {}

  @Module({
    imports: [
      UsersModule,
      jwtModule,
      ...(inFeatureModule ? [ResolverFeatureModule] : []),
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        typeDefs: TYPE_DEFS,
        includeStacktraceInErrorResponses: false,
      }),
    ],
    providers: inFeatureModule ? [] : [resolver],
  })
  class GraphqlAppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [GraphqlAppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  await initialised(adapter, app);
  return { app, server: app.getHttpServer(), users: app.get(InMemoryUsers), close: () => app.close() };
}
