import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { TokenReuseDetectedError } from '../common/errors.js';
import type { AnyRequest, JwtPayload } from '../common/jwt.js';
import type { Refusal } from '../common/refusal.js';
import { JWT_AUTH_CLOCK, JWT_AUTH_HOOKS } from '../jwt-auth.internal-constants.js';
import { type EventEmitterLike, findEventEmitter } from './event-emitter-lookup.js';
import {
  createJwtAuthEvent,
  type JwtAuthEvent,
  JWT_AUTH_LOGIN_FAILED,
  JWT_AUTH_LOGIN_SUCCEEDED,
  JWT_AUTH_REQUEST_REFUSED,
  JWT_AUTH_TOKEN_REFRESHED,
  JWT_AUTH_TOKEN_REUSE_DETECTED,
  JWT_AUTH_TOKEN_REVOKED,
  type LoginFailedEvent,
  type LoginFailureReason,
  type LoginSucceededEvent,
  type RequestRefusedEvent,
  type TokenRefreshedEvent,
  type TokenReuseDetectedEvent,
  type TokenRevokedEvent,
} from './jwt-auth-events.js';
import { HOOK_OF_EVENT, type ResolvedHooks } from './jwt-auth-hooks.js';
import { RefusalEventLimiter } from './refusal-event-limiter.js';

/**
 * Delivers the endpoints' events to the `hooks` callbacks and, when the app has
 * EventEmitterModule, to its EventEmitter2. Both are awaited (so `last_login` is written before
 * the client has its token, as Django's `user_logged_in` does), and neither can fail the
 * request: a hook or listener that throws or rejects is logged, never answered.
 */
@Injectable()
export class JwtAuthEventDispatcher implements OnModuleInit {
  private readonly logger = new Logger('JwtAuth');
  private emitter?: EventEmitterLike;
  private readonly refusals: RefusalEventLimiter;

  constructor(
    @Inject(JWT_AUTH_HOOKS) private readonly hooks: ResolvedHooks,
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(JWT_AUTH_CLOCK) clock?: () => number,
  ) {
    this.refusals = new RefusalEventLimiter(clock);
  }

  /** Every provider exists by now, EventEmitterModule's too, whatever the import order. */
  async onModuleInit(): Promise<void> {
    this.emitter = await findEventEmitter(this.moduleRef);
  }

  loginSucceeded(user: object, request: AnyRequest): Promise<void> {
    return this.dispatch(createJwtAuthEvent<LoginSucceededEvent>({ name: JWT_AUTH_LOGIN_SUCCEEDED, user }, request));
  }

  loginFailed(username: string, reason: LoginFailureReason, request: AnyRequest): Promise<void> {
    return this.dispatch(
      createJwtAuthEvent<LoginFailedEvent>({ name: JWT_AUTH_LOGIN_FAILED, username, reason }, request),
    );
  }

  tokenRefreshed(user: object, request: AnyRequest): Promise<void> {
    return this.dispatch(createJwtAuthEvent<TokenRefreshedEvent>({ name: JWT_AUTH_TOKEN_REFRESHED, user }, request));
  }

  tokenRevoked(claims: Readonly<JwtPayload>, request: AnyRequest): Promise<void> {
    return this.dispatch(
      createJwtAuthEvent<TokenRevokedEvent>({ name: JWT_AUTH_TOKEN_REVOKED, scope: 'token', claims }, request),
    );
  }

  allTokensRevoked(user: object, request: AnyRequest): Promise<void> {
    return this.dispatch(
      createJwtAuthEvent<TokenRevokedEvent>({ name: JWT_AUTH_TOKEN_REVOKED, scope: 'user', user }, request),
    );
  }

  tokenReuseDetected(error: TokenReuseDetectedError, request: AnyRequest): Promise<void> {
    const { family, subject, claims } = error;
    const jti = typeof claims.jti === 'string' ? claims.jti : undefined;
    return this.dispatch(
      createJwtAuthEvent<TokenReuseDetectedEvent>(
        { name: JWT_AUTH_TOKEN_REUSE_DETECTED, family, subject, jti, claims: claims as Readonly<JwtPayload> },
        request,
      ),
    );
  }

  /** A refused request, unless this reason is over its rate (then only counted). */
  async requestRefused(refusal: Refusal, request: AnyRequest): Promise<void> {
    if (this.hooks.onRequestRefused === undefined && this.emitter === undefined) return;
    const admitted = this.refusals.admit(refusal.reason);
    if (!admitted.deliver) return;
    const { reason, status } = refusal;
    await this.dispatch(
      createJwtAuthEvent<RequestRefusedEvent>(
        { name: JWT_AUTH_REQUEST_REFUSED, reason, status, suppressed: admitted.suppressed },
        request,
      ),
    );
  }

  private async dispatch(event: JwtAuthEvent): Promise<void> {
    const hookName = HOOK_OF_EVENT[event.name];
    const hook = this.hooks[hookName];
    // Side by side: a slow hook does not hold the listeners back, nor the other way round.
    await Promise.all([
      hook && this.guarded(`hooks.${hookName}`, event, () => hook(event)),
      this.emitter &&
        this.guarded(`a listener of ${event.name}`, event, () => this.emitter?.emitAsync(event.name, event)),
    ]);
  }

  private async guarded(source: string, event: JwtAuthEvent, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      // The stack goes to the app's log, never to the client; the event is not logged (its user).
      const stack = error instanceof Error ? error.stack : String(error);
      this.logger.error(`${source} failed on ${event.name}; the request was answered as usual`, stack);
    }
  }
}
