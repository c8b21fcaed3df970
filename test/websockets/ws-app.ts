import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type DynamicModule, Module, UseGuards } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { io, type Socket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { CurrentUser, Public } from '../../lib/index.js';
import { WsJwtAuthGuard } from '../../lib/websockets/index.js';
import { type AdapterName, createAppOn, ProtectedController, type TestApp, UsersModule } from '../support/apps.js';
import { InMemoryUsers, type TestUser } from '../support/users.js';

/** A gateway on the app's own port, guarded as a whole; `hello` is opened with @Public(). */
@WebSocketGateway()
@UseGuards(WsJwtAuthGuard)
export class AccountGateway {
  @SubscribeMessage('whoami')
  whoami(@CurrentUser('username') username: string): string {
    return username;
  }

  @SubscribeMessage('profile')
  profile(@CurrentUser() user: TestUser, @MessageBody() body: unknown): object {
    return { username: user.username, email: user.email, body };
  }

  @SubscribeMessage('hello')
  @Public()
  hello(): string {
    return 'world';
  }
}

export interface WsTestApp extends TestApp {
  /** `http://127.0.0.1:<port>`, where socket.io answers too. */
  url: string;
}

/** AccountGateway in a feature module that does not import JwtAuthModule. */
@Module({ providers: [AccountGateway] })
class AccountFeatureModule {}

/**
 * A real Nest app with socket.io (IoAdapter), listening on a free loopback port. With
 * `inFeatureModule`, the gateway lives in a feature module that does not import JwtAuthModule.
 */
export async function startWsApp(
  adapter: AdapterName,
  jwtModule: DynamicModule,
  { inFeatureModule = false }: { inFeatureModule?: boolean } = {},
): Promise<WsTestApp> {
  @Module({
    imports: [UsersModule, jwtModule, ...(inFeatureModule ? [AccountFeatureModule] : [])],
    controllers: [ProtectedController],
    providers: inFeatureModule ? [] : [AccountGateway],
  })
  class WsAppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [WsAppModule] }).compile();
  const app = createAppOn(adapter, moduleRef);
  app.useWebSocketAdapter(new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    server: app.getHttpServer(),
    users: app.get(InMemoryUsers),
    url: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

/** What the server answered a message with: the handler's value (ack) or an `exception` event. */
export type Answer = { ack: unknown } | { exception: unknown };

/** A connected socket.io client; close it with `disconnect()`. */
export async function connect(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Sends one message and waits for whichever answer comes: an acknowledgement or an exception. */
export function send(socket: Socket, event: string, data: unknown = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to '${event}'`)), 5000);
    const onException = (exception: unknown) => {
      clearTimeout(timer);
      resolve({ exception });
    };
    socket.once('exception', onException);
    socket.emit(event, data, (ack: unknown) => {
      clearTimeout(timer);
      socket.off('exception', onException);
      resolve({ ack });
    });
  });
}
