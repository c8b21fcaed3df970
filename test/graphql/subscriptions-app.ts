import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module, type NestApplicationOptions } from '@nestjs/common';
import { GraphQLModule, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { CurrentUser, Public } from '../../lib/index.js';
import { type AdapterName, createAppOn, initialised, type TestApp, UsersModule } from '../support/apps.js';
import { InMemoryUsers } from '../support/users.js';

export const SUBSCRIPTION_TYPE_DEFS = /* GraphQL */ `
  type Query {
    me: String!
  }
  type Subscription {
    greetings: String!
    news: String!
  }
`;

/** No guard of its own: protected only by the global JwtAuthGuard. */
@Resolver()
export class SubscriptionsResolver {
  @Query('me')
  me(@CurrentUser('username') username: string): string {
    return username;
  }

  /** Two events naming the user the guard authenticated when the subscription started. */
  @Subscription('greetings')
  async *greetings(@CurrentUser('username') username: string): AsyncGenerator<{ greetings: string }> {
    yield { greetings: `hello ${username}` };
    yield { greetings: `bye ${username}` };
  }

  @Subscription('news')
  @Public()
  async *news(@CurrentUser('username') username: string | undefined): AsyncGenerator<{ news: string }> {
    yield { news: `news for ${username ?? 'anyone'}` };
  }
}

export interface SubscriptionsTestApp extends TestApp {
  /** The graphql-ws endpoint: `ws://127.0.0.1:<port>/graphql`. */
  url: string;
}

/**
 * A real Nest app (Apollo on Express or Fastify) listening on a free loopback port, with
 * graphql-ws subscriptions as users turn them on (`subscriptions: { 'graphql-ws': true }`), and
 * optionally a `context` function of the app's own.
 */
export async function startSubscriptionsApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  {
    context,
    logger,
  }: { context?: ApolloDriverConfig['context']; logger?: NonNullable<NestApplicationOptions['logger']> } = {},
): Promise<SubscriptionsTestApp> {
  @Module({
    imports: [
      UsersModule,
      jwtModule,
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        typeDefs: SUBSCRIPTION_TYPE_DEFS,
        subscriptions: { 'graphql-ws': true },
        includeStacktraceInErrorResponses: false,
        ...(context === undefined ? {} : { context }),
      }),
    ],
    providers: [SubscriptionsResolver],
  })
  class SubscriptionsAppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [SubscriptionsAppModule] }).compile();
  const app = logger === undefined ? createAppOn(adapter, moduleRef) : createAppOn(adapter, moduleRef, logger);
  await initialised(adapter, app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    server: app.getHttpServer(),
    users: app.get(InMemoryUsers),
    url: `ws://127.0.0.1:${port}/graphql`,
    close: () => app.close(),
  };
}

/**
 * What a graphql-ws client receives for one subscription: the results in order, then
 * `complete`, or the errors graphql-ws delivers for a refused subscription.
 */
export async function subscribe(
  url: string,
  query: string,
  connectionParams?: Record<string, unknown>,
): Promise<{ results: FormattedExecutionResult<Record<string, unknown>, unknown>[] } | { errors: unknown }> {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  try {
    return await new Promise((resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => results.push(result),
          error: (errors) => resolve({ errors }),
          complete: () => resolve({ results }),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}
