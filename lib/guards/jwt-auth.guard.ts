import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { SimpleJwtAuthenticationFailed } from '../common/errors.js';
import { SIMPLE_JWT_MESSAGES } from '../common/messages.js';
import { isPromiseLike, type MaybePromise } from '../common/maybe-promise.js';
import { asSimpleJwt, notAuthenticated, type Refusal, refusalOf, simpleJwtRefusalOf } from '../common/refusal.js';
import { JwtAuthEventDispatcher } from '../events/jwt-auth-event-dispatcher.js';
import type { SimpleJwtAuthentication } from '../flows/simplejwt-authentication.js';
import { TokenAuthentication } from '../flows/token-authentication.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import { renderNestException, renderHttpRefusal } from '../refusals/http-refusal.js';
import type { PermissionResolver } from '../permissions/permission-resolver.js';
import { logRefusal } from '../refusals/refusal-log.js';
import { renderRpcRefusal } from '../refusals/rpc-refusal.js';
import { simpleJwtChallenge, renderSimpleJwtRefusal } from '../refusals/simplejwt-refusal.js';
import { renderSocketRefusal } from '../refusals/socket-refusal.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import type { HttpResponseLike } from '../transport/http-adapter.js';
import { type Credentials, readCredentials } from './credentials.js';
import { csrfRefusal } from './csrf.js';
import { type AuthRequest, requestOf, responseOf } from './execution-context.js';
import { connectionCredentials, graphqlWsConnectionOf } from './graphql-ws-connection.js';
import {
  checkRoutePermissions,
  findPermissionResolver,
  type RoutePermissionSet,
  RoutePermissions,
} from './permission-step.js';
import { isPublic } from './public.decorator.js';
import { type MessageCredentials, rpcCredentials, setRpcUser } from './rpc-credentials.js';
import { drfJwtTakes, readSimpleJwtHeader } from './simplejwt-header.js';
import { type HandshakeSocket, type SocketCredentials, socketCredentials } from './socket-credentials.js';

/**
 * What authenticating a request or a socket gives: the user, or the refusal to answer with.
 * `anonymous`: no credentials were sent, so the permissions decide (DRF's AnonymousUser).
 */
export type Authentication =
  { user: object; refusal?: undefined; anonymous?: undefined } | { refusal: Refusal; anonymous?: boolean };

/** What a guard needs of its JwtAuthModule. */
interface GuardModule {
  settings: JwtAuthSettings;
  authentication: TokenAuthentication;
}

/**
 * Protects routes with `Authorization: <prefix> <token>` (upstream's
 * JSONWebTokenAuthentication), or the token cookie in cookie mode. Every refusal is a 401 with
 * the reference's message and a `WWW-Authenticate` header (a CSRF failure is a 403, a store
 * outage a 503 unless configured as 401). Routes marked `@Public()` pass through. As a global
 * guard it also authenticates gateway messages, as WsJwtAuthGuard does.
 *
 * Works in every module of the app: where JwtAuthModule is imported, Nest injects its settings;
 * in a module that does not import it, the guard finds the app's JwtAuthModule at start-up
 * (and says what to import when the app has none, or several).
 *
 * Built to be subclassed: override `renderRefusal` to answer refusals otherwise (another body,
 * another status), or `authenticate` to add a check.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate, OnModuleInit {
  // Named so as not to collide with the fields of subclasses (`moduleRef` is a common one).
  private jwtAuthParts?: GuardModule;
  private permissionResolver?: PermissionResolver;
  private routePermissions?: RoutePermissions;
  private jwtAuthEvents?: JwtAuthEventDispatcher | null;

  constructor(
    @Optional() @Inject(JWT_AUTH_SETTINGS) settings: JwtAuthSettings | undefined,
    protected readonly reflector: Reflector,
    @Optional() @Inject(TokenAuthentication) authentication: TokenAuthentication | undefined,
    @Optional() @Inject(ModuleRef) private readonly jwtAuthModuleRef?: ModuleRef,
    @Optional() @Inject(JwtAuthEventDispatcher) events?: JwtAuthEventDispatcher,
  ) {
    if (settings !== undefined && authentication !== undefined) this.jwtAuthParts = { settings, authentication };
    this.jwtAuthEvents = events;
  }

  /** The settings of the app's JwtAuthModule. */
  protected get settings(): JwtAuthSettings {
    return this.jwtAuthModule().settings;
  }

  /** Token authentication, as JwtAuthModule does it. */
  protected get authentication(): TokenAuthentication {
    return this.jwtAuthModule().authentication;
  }

  /** The `WWW-Authenticate` value of a 401. */
  protected get challenge(): string {
    return `${this.settings.authHeaderPrefix} realm="api"`;
  }

  /**
   * Finds the app's JwtAuthModule at start-up, when its own module does not import it (a
   * subclass that overrides this calls `super.onModuleInit()`, or the guard finds it on its first
   * request, and an app it cannot serve fails there rather than at start-up).
   */
  onModuleInit(): void {
    this.jwtAuthModule();
  }

  /**
   * The module's event dispatcher, for the refusal event: injected, or found once (a subclass
   * whose constructor does not pass it); none when the app has several JwtAuthModules.
   */
  private refusalEvents(): JwtAuthEventDispatcher | undefined {
    if (this.jwtAuthEvents === undefined) {
      let found: JwtAuthEventDispatcher[] = [];
      try {
        found = this.jwtAuthModuleRef?.get(JwtAuthEventDispatcher, { strict: false, each: true }) ?? [];
      } catch {
        // No JwtAuthModule: jwtAuthModule() says so.
      }
      this.jwtAuthEvents = found.length === 1 ? found[0] : null;
    }
    return this.jwtAuthEvents ?? undefined;
  }

  private jwtAuthModule(): GuardModule {
    this.jwtAuthParts ??= findJwtAuthModule(this.jwtAuthModuleRef, this.constructor.name);
    return this.jwtAuthParts;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context)) return true;
    const transport = context.getType<string>();
    if (transport === 'ws') return this.activateSocket(context);
    if (transport === 'rpc') return this.activateMessage(context);
    if (transport === 'graphql' && graphqlWsConnectionOf(context) !== undefined) {
      return this.activateSubscription(context);
    }
    const request = requestOf(context);
    const result = await this.authenticate(request);
    // DRF's order: a bad token is refused at once; no token is an anonymous user, whom the
    // permissions judge (IsAuthenticated by default: the same 401).
    if (result.refusal === undefined) request.user = result.user;
    else delete request.user;
    let refusal =
      result.refusal !== undefined && !result.anonymous
        ? result.refusal
        : this.checkPermissions(context, request, result.refusal);
    // The built-in permissions answer at once: no tick spent waiting for them.
    if (isPromiseLike(refusal)) refusal = await refusal;
    if (refusal !== undefined) {
      logRefusal(request, refusal.reason);
      await this.refusalEvents()?.requestRefused(refusal, request);
      throw await this.renderRefusal(refusal, context);
    }
    return true;
  }

  /**
   * DRF's permissions (`nest-rest-jwt/permissions`), after authentication: a refused anonymous
   * request is a 401 (its `anonymousRefusal`), a refused user a 403.
   */
  protected checkPermissions(
    context: ExecutionContext,
    request: AuthRequest & { method?: string },
    anonymousRefusal: Refusal | undefined,
  ): MaybePromise<Refusal | undefined> {
    const settings = this.settings;
    this.routePermissions ??= new RoutePermissions(
      this.reflector,
      settings.permissions.defaultPermissionClasses,
      () => (this.permissionResolver ??= findPermissionResolver(this.jwtAuthModuleRef)),
    );
    const render = async (refusal: Refusal) => {
      logRefusal(request, refusal.reason);
      return this.renderRefusal(refusal, context);
    };
    const route = this.routePermissions.of(context);
    const check = (resolved: RoutePermissionSet) =>
      checkRoutePermissions({ context, request, settings, route: resolved, anonymousRefusal, render });
    return isPromiseLike(route) ? Promise.resolve(route).then(check) : check(route);
  }

  /** The user a request authenticates as, or the refusal: credentials, token, user, then CSRF. */
  authenticate(request: AuthRequest & { method?: string }): Promise<Authentication> {
    const simpleJwt = this.simpleJwtSpoken();
    if (simpleJwt === undefined) return this.authenticateDrfJwt(request);
    return this.authenticateSimpleJwt(request, simpleJwt).then((answer) => answer ?? this.authenticateDrfJwt(request));
  }

  /** djangorestframework-jwt's JSONWebTokenAuthentication, then CSRF for the token cookie. */
  private authenticateDrfJwt(request: AuthRequest & { method?: string }): Promise<Authentication> {
    const credentials = readCredentials(request, this.settings);
    const result = this.authenticateCredentials(credentials);
    // A header is sent on purpose, never by the browser itself: nothing more to check.
    if (credentials.kind !== 'token' || !credentials.fromCookie) return result;
    // As DRF's SessionAuthentication: the user first, then CSRF for what a browser sent by itself.
    return result.then((found): Authentication => {
      if (found.refusal !== undefined) return found;
      const csrf = this.csrfRefusal(request, credentials.fromCookie);
      return csrf === undefined ? found : { refusal: csrf };
    });
  }

  /** The 403 for an unsafe request authenticated by the token cookie without the CSRF header. */
  csrfRefusal(request: AuthRequest & { method?: string }, fromCookie: boolean): Refusal | undefined {
    if (!fromCookie || this.settings.csrf === undefined) return undefined;
    return csrfRefusal(request, this.settings.csrf);
  }

  /**
   * A refusal as the transport answers it: an HTTP body and headers in the configured format;
   * in GraphQL, Nest's own exceptions; in gateways, a WsException; in microservices, an
   * RpcException.
   */
  protected async renderRefusal(refusal: Refusal, context: ExecutionContext): Promise<Error> {
    const transport = context.getType<string>();
    if (transport === 'ws') return renderSocketRefusal(refusal);
    if (transport === 'rpc') return renderRpcRefusal(refusal);
    const response = responseOf(context) as HttpResponseLike | undefined;
    if (response === undefined) return renderNestException(refusal);
    const simpleJwt = this.settings.simpleJwt;
    if (refusal.protocol === 'simplejwt' && simpleJwt !== undefined) {
      return renderSimpleJwtRefusal(refusal, response, simpleJwtChallenge(simpleJwt.authHeaderTypes));
    }
    return renderHttpRefusal(refusal, this.settings.errorFormat, response, this.challenge);
  }

  /**
   * A gateway message: the token the socket sent with its handshake, checked on every message,
   * so a token that expires or is revoked stops working mid-connection. The user goes to
   * `client.data.user`, where `@CurrentUser()` finds it, and never outlives a refusal.
   */
  protected async activateSocket(context: ExecutionContext): Promise<boolean> {
    const client = context.switchToWs().getClient<HandshakeSocket>();
    const result = await this.authenticateCredentials(socketCredentials(client, this.settings));
    if (result.refusal !== undefined) {
      if (client.data) delete client.data.user;
      throw await this.renderRefusal(result.refusal, context);
    }
    if (client.data) client.data.user = result.user;
    return true;
  }

  /**
   * A microservice message: the token in its metadata or payload (settings.rpc), checked on
   * every message. The user is held beside the message, where `@CurrentUser()` finds it.
   */
  protected async activateMessage(context: ExecutionContext): Promise<boolean> {
    const result = await this.authenticateCredentials(rpcCredentials(context, this.settings));
    setRpcUser(context, result.refusal === undefined ? result.user : undefined);
    if (result.refusal === undefined) return true;
    logRefusal({ method: 'RPC', url: handlerName(context) }, result.refusal.reason);
    throw await this.renderRefusal(result.refusal, context);
  }

  /**
   * A GraphQL subscription over graphql-ws: the token of the connection parameters, checked
   * when the subscription starts. The user goes on the connection, where `@CurrentUser()`
   * finds it, and never outlives a refusal.
   */
  protected async activateSubscription(context: ExecutionContext): Promise<boolean> {
    const connection = graphqlWsConnectionOf(context);
    if (connection === undefined) return false;
    const result = await this.authenticateCredentials(connectionCredentials(connection, this.settings));
    if (result.refusal !== undefined) {
      delete connection.user;
      logRefusal({ method: 'SUBSCRIPTION', url: handlerName(context) }, result.refusal.reason);
      throw await this.renderRefusal(result.refusal, context);
    }
    connection.user = result.user;
    return true;
  }

  /** simplejwt's authentication, when the module speaks it (`tokenProtocol` other than 'drf-jwt'). */
  private simpleJwtSpoken(): SimpleJwtAuthentication<object> | undefined {
    return this.settings.tokenProtocol === 'drf-jwt' ? undefined : this.authentication.simpleJwt;
  }

  /**
   * simplejwt's JWTAuthentication: undefined when the request is djangorestframework-jwt's to
   * answer (`'both'`: no simplejwt header, or a drf-jwt token).
   */
  private async authenticateSimpleJwt(
    request: AuthRequest,
    simpleJwt: SimpleJwtAuthentication<object>,
  ): Promise<Authentication | undefined> {
    const { tokenProtocol } = this.settings;
    const header = readSimpleJwtHeader(request, simpleJwt.tokens.settings.authHeaderTypes);
    if (
      tokenProtocol === 'both' &&
      (header.kind === 'absent' || drfJwtTakes(header, this.settings, simpleJwt.tokens.settings.tokenTypeClaim))
    ) {
      return undefined;
    }
    // No credentials of this protocol: anonymous, whom the permissions judge (DRF's order).
    if (header.kind === 'absent') return { refusal: asSimpleJwt(notAuthenticated()), anonymous: true };
    if (header.kind === 'bad') {
      return {
        refusal: simpleJwtRefusalOf(
          new SimpleJwtAuthenticationFailed(SIMPLE_JWT_MESSAGES.badHeader, 'bad_authorization_header'),
          401,
        ) as Refusal,
      };
    }
    try {
      return { user: await simpleJwt.authenticate(header.token) };
    } catch (error) {
      const refusal = simpleJwtRefusalOf(error, this.settings.revocationUnavailableStatus);
      if (refusal === undefined) throw error;
      return { refusal };
    }
  }

  private authenticateCredentials(
    credentials: Credentials | SocketCredentials | MessageCredentials,
  ): Promise<Authentication> {
    if (credentials.kind === 'absent') {
      // Still the reference's "not provided"; the log line says which scheme was sent instead.
      const mismatch = 'mismatch' in credentials ? credentials.mismatch : undefined;
      const reason = mismatch === undefined ? undefined : `no credentials: ${mismatch}`;
      return Promise.resolve({ refusal: notAuthenticated(reason), anonymous: true });
    }
    if (credentials.kind === 'invalid') {
      return Promise.resolve({ refusal: notAuthenticated(credentials.message, credentials.message) });
    }
    // Chained, not awaited in an async function of its own: one promise fewer per request.
    return this.authentication.authenticate(credentials.token).then(
      (user): Authentication => ({ user }),
      (error: unknown): Authentication => {
        const refusal = refusalOf(error, 'guard', this.settings.revocationUnavailableStatus);
        if (refusal === undefined) throw error;
        return { refusal };
      },
    );
  }
}

/** Where a message or a subscription went, for the debug log: `OrdersController.mine`. */
function handlerName(context: ExecutionContext): string {
  return `${context.getClass().name}.${context.getHandler().name}`;
}

/**
 * The JwtAuthModule of the app, for a guard whose own module does not import it. Nest's
 * `strict: false` lookup sees every module; an app with none, or with several (the guard could
 * not tell which one it means), cannot start.
 */
function findJwtAuthModule(moduleRef: ModuleRef | undefined, guard: string): GuardModule {
  const found = (token: symbol | typeof TokenAuthentication): unknown[] => {
    try {
      return moduleRef?.get(token, { strict: false, each: true }) ?? [];
    } catch {
      return [];
    }
  };
  const settings = found(JWT_AUTH_SETTINGS) as JwtAuthSettings[];
  const authentication = found(TokenAuthentication) as TokenAuthentication[];
  if (settings.length === 1 && authentication.length === 1) {
    return { settings: settings[0], authentication: authentication[0] };
  }
  if (settings.length === 0) {
    throw new Error(
      `nest-rest-jwt: ${guard} needs JwtAuthModule, and the app has none: ` +
        'import JwtAuthModule.forRoot({ ... }) (or forRootAsync) once, in the root module',
    );
  }
  throw new Error(
    `nest-rest-jwt: ${guard} is used in a module that does not import JwtAuthModule, and the app has ` +
      `${settings.length} of them: import the one it should use into that module (the same ` +
      'JwtAuthModule.forRoot(...) value), or make that one isGlobal',
  );
}
