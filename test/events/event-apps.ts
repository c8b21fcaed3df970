import 'reflect-metadata';
import { afterAll, beforeAll } from '@jest/globals';
import { Injectable, type LoggerService, Module, type ModuleMetadata } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { App } from 'supertest/types.js';
import {
  JWT_AUTH_LOGIN_FAILED,
  JWT_AUTH_LOGIN_SUCCEEDED,
  JWT_AUTH_TOKEN_REFRESHED,
  JWT_AUTH_TOKEN_REVOKED,
  type JwtAuthEvent,
  JwtAuthModule,
  type JwtAuthModuleExtras,
  type JwtAuthModuleOptions,
} from '../../lib/index.js';
import {
  type AdapterName,
  createAppOn,
  initialised,
  ProtectedController,
  SECRET,
  UsersModule,
} from '../support/apps.js';
import { InMemoryUsers } from '../support/users.js';

export interface LogLine {
  level: string;
  /** The message and every other argument (context, stack), joined. */
  text: string;
}

/** A LoggerService that keeps every line, at every level, for the tests to read. */
export class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  log(...args: unknown[]) {
    this.keep('log', args);
  }
  error(...args: unknown[]) {
    this.keep('error', args);
  }
  warn(...args: unknown[]) {
    this.keep('warn', args);
  }
  debug(...args: unknown[]) {
    this.keep('debug', args);
  }
  verbose(...args: unknown[]) {
    this.keep('verbose', args);
  }
  fatal(...args: unknown[]) {
    this.keep('fatal', args);
  }
  private keep(level: string, args: unknown[]) {
    this.lines.push({ level, text: args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' | ') });
  }
}

/** Everything @nestjs/event-emitter delivered to the app's own @OnEvent listeners. */
@Injectable()
export class AuditListener {
  readonly received: JwtAuthEvent[] = [];
  /** Set by a test: the listener of successful logins throws (with suppressErrors off). */
  failOnLogin = false;

  @OnEvent(JWT_AUTH_LOGIN_SUCCEEDED, { suppressErrors: false })
  loginSucceeded(event: JwtAuthEvent) {
    if (this.failOnLogin) throw new Error('listener exploded');
    this.received.push(event);
  }

  @OnEvent(JWT_AUTH_LOGIN_FAILED)
  loginFailed(event: JwtAuthEvent) {
    this.received.push(event);
  }

  @OnEvent(JWT_AUTH_TOKEN_REFRESHED)
  tokenRefreshed(event: JwtAuthEvent) {
    this.received.push(event);
  }

  @OnEvent(JWT_AUTH_TOKEN_REVOKED)
  tokenRevoked(event: JwtAuthEvent) {
    this.received.push(event);
  }
}

export interface EventAppOptions {
  /** Options of forRoot, module-shaping ones (globalGuard, routePrefix...) included. */
  jwt?: Partial<JwtAuthModuleOptions & JwtAuthModuleExtras>;
  /** Import EventEmitterModule.forRoot() and the AuditListener. */
  eventEmitter?: boolean | { global: boolean };
}

export interface EventApp {
  readonly server: App;
  readonly users: InMemoryUsers;
  readonly logger: CapturingLogger;
  /** The AuditListener (throws when the app has no event emitter). */
  readonly listener: AuditListener;
}

/**
 * One app for the enclosing describe block, as useApp, with a CapturingLogger as the app's
 * logger (every level) and, on request, EventEmitterModule with an AuditListener.
 */
export function useEventApp(adapter: AdapterName, options: EventAppOptions = {}): EventApp {
  let app: NestFastifyApplication | undefined;
  const logger = new CapturingLogger();
  beforeAll(async () => {
    const emitter = options.eventEmitter;
    const imports: ModuleMetadata['imports'] = [
      UsersModule,
      JwtAuthModule.forRoot({
        secretKey: SECRET,
        allowRefresh: true,
        loginThrottle: false,
        imports: [UsersModule],
        ...options.jwt,
      }),
    ];
    if (emitter) imports.push(EventEmitterModule.forRoot(typeof emitter === 'object' ? emitter : undefined));

    @Module({ imports, controllers: [ProtectedController], providers: emitter ? [AuditListener] : [] })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const created = createAppOn(adapter, moduleRef, logger);
    await initialised(adapter, created);
    app = created as NestFastifyApplication;
  });
  afterAll(async () => {
    await app?.close();
    app = undefined;
  });
  const started = () => {
    if (!app) throw new Error('the test app is not running (useEventApp starts it in beforeAll)');
    return app;
  };
  return {
    get server() {
      return started().getHttpServer() as App;
    },
    get users() {
      return started().get(InMemoryUsers);
    },
    logger,
    get listener() {
      return started().get(AuditListener);
    },
  };
}
