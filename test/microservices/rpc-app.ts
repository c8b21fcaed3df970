import 'reflect-metadata';
import {
  Controller,
  type DynamicModule,
  type INestMicroservice,
  Module,
  type NestApplicationOptions,
} from '@nestjs/common';
import {
  ClientProxyFactory,
  Ctx,
  EventPattern,
  MessagePattern,
  type MicroserviceOptions,
  Payload,
  type ClientProxy,
  TcpContext,
  Transport,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { CurrentUser, Public } from '../../lib/index.js';
import {
  type AdapterName,
  createAppOn,
  initialised,
  ProtectedController,
  type TestApp,
  UsersModule,
} from '../support/apps.js';
import { freePort } from '../support/redis-server.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';

/** Message handlers with no guard of their own: protected only by the global JwtAuthGuard. */
@Controller()
export class MessagesController {
  @MessagePattern('whoami')
  whoami(@CurrentUser('username') username: string | undefined): string | null {
    return username ?? null;
  }

  /** The user next to the payload, which the guard leaves as the client sent it. */
  @MessagePattern('profile')
  profile(@CurrentUser() user: TestUser, @Payload() data: unknown, @Ctx() context: TcpContext) {
    return { username: user.username, email: user.email, data, pattern: context.getPattern() };
  }

  /** The events that reached their handler, in order, with the user each one saw. */
  static readonly events: string[] = [];

  // EventPattern types the arguments after the payload as unknown.
  @EventPattern('noted')
  noted(@Payload() data: { marker: string }, @CurrentUser('username') username: unknown): void {
    MessagesController.events.push(`${data.marker}:${typeof username === 'string' ? username : '-'}`);
  }

  @MessagePattern('events')
  @Public()
  seen(): string[] {
    return MessagesController.events;
  }

  @MessagePattern('ping')
  @Public()
  ping(@CurrentUser() user: TestUser | undefined): { pong: true; user: string | null } {
    return { pong: true, user: user?.username ?? null };
  }
}

export interface RpcTestApp extends TestApp {
  /** A TCP client of the app's microservice. */
  client: ClientProxy;
  /** A client that sends `metadata` with every packet (TCP packet metadata, Nest 12). */
  clientWithMetadata(metadata: Record<string, string>): Promise<ClientProxy>;
}

/**
 * A hybrid app: HTTP on the named adapter (the protected routes of the other tests) and a TCP
 * microservice on a free loopback port (`connectMicroservice`), with `jwtModule`'s guard.
 */
export async function startRpcApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  {
    inheritAppConfig = true,
    logger,
  }: { inheritAppConfig?: boolean; logger?: NonNullable<NestApplicationOptions['logger']> } = {},
): Promise<RpcTestApp> {
  @Module({ imports: [UsersModule, jwtModule], controllers: [MessagesController, ProtectedController] })
  class RpcAppModule {}

  const port = await freePort();
  const moduleRef = await Test.createTestingModule({ imports: [RpcAppModule] }).compile();
  const app = logger === undefined ? createAppOn(adapter, moduleRef) : createAppOn(adapter, moduleRef, logger);
  // inheritAppConfig, as the README says: without it Nest applies none of the app's global
  // enhancers to a connected microservice, APP_GUARD providers included.
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
    { inheritAppConfig },
  );
  await app.startAllMicroservices();
  await initialised(adapter, app);
  const clients: ClientProxy[] = [];
  const newClient = async (metadata?: Record<string, string>) => {
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    if (metadata !== undefined) {
      client.setOnDispatchHook((packet) => {
        packet.metadata = metadata;
      });
    }
    await client.connect();
    clients.push(client);
    return client;
  };
  const client = await newClient();
  return {
    app,
    server: app.getHttpServer(),
    users: app.get(InMemoryUsers),
    client,
    clientWithMetadata: newClient,
    close: async () => {
      for (const each of clients) await each.close();
      await app.close();
    },
  };
}

/** What the client receives for a message: `{ ok }` with the handler's answer, or `{ error }`. */
export async function call(
  client: ClientProxy,
  pattern: string,
  data: unknown,
): Promise<{ ok: unknown } | { error: unknown }> {
  try {
    return { ok: await firstValueFrom(client.send<unknown>(pattern, data)) };
  } catch (error) {
    return { error };
  }
}

/**
 * A microservice alone (no HTTP server: `NestFactory.createMicroservice`'s testing
 * counterpart), TCP on a free loopback port, with a client.
 */
export async function startMicroservice(
  jwtModule: DynamicModule,
): Promise<{ app: INestMicroservice; client: ClientProxy; close(): Promise<void> }> {
  @Module({ imports: [UsersModule, jwtModule], controllers: [MessagesController] })
  class MicroserviceModule {}

  const port = await freePort();
  const moduleRef = await Test.createTestingModule({ imports: [MicroserviceModule] }).compile();
  const app = moduleRef.createNestMicroservice<MicroserviceOptions>({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
    logger: process.env.TEST_LOG ? undefined : false,
  });
  await app.listen();
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return {
    app,
    client,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}
