import { type FactoryProvider, HttpStatus, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { JWT_AUTH_SETTINGS } from '../constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { JWKS_DOC } from './jwks-endpoint.js';
import { JWT_AUTH_OPENAPI_TAG } from './openapi-tag.js';
import {
  methodNotAllowedResponse,
  type OperationDoc,
  REFUSED_METHOD_HANDLERS,
  REQUEST_BODY_TYPES,
  tokenEndpointDocs,
} from './token-endpoints.js';
import { isMissingPackage } from '../optional-peer.js';

/** Internal token: whether @nestjs/swagger was there to document the module's controllers. */
export const JWT_AUTH_OPENAPI = Symbol('nest-rest-jwt:openapi');

/** The decorators used here, typed structurally (the same in @nestjs/swagger 11 and 12). */
interface SwaggerDecorators {
  ApiOperation(options: object): MethodDecorator;
  ApiBody(options: object): MethodDecorator;
  ApiConsumes(...mimeTypes: string[]): MethodDecorator & ClassDecorator;
  ApiResponse(options: object): MethodDecorator & ClassDecorator;
  ApiExcludeEndpoint(disable?: boolean): MethodDecorator;
  ApiTags(...tags: string[]): MethodDecorator & ClassDecorator;
}

/** @nestjs/swagger when the app has it installed, else undefined (an optional peer). */
async function loadSwagger(): Promise<SwaggerDecorators | undefined> {
  try {
    return (await import('@nestjs/swagger')) as unknown as SwaggerDecorators;
  } catch (error) {
    if (isMissingPackage(error, '@nestjs/swagger')) return undefined;
    throw error;
  }
}

/** Classes already documented: swagger's ApiResponse merges, so a second pass would repeat texts. */
const documented = new WeakSet<object>();

export interface DocumentedControllers {
  token?: Type<unknown>;
  jwks?: Type<unknown>;
}

/**
 * Puts the module's endpoints into the app's OpenAPI document by applying @nestjs/swagger's
 * decorators to its controller classes, when @nestjs/swagger is installed. An async factory
 * provider: Nest awaits it while creating the app (NestFactory.create, TestingModule.compile),
 * so the metadata is there before the app calls SwaggerModule.createDocument, even before
 * `app.init()`.
 */
export function openApiProvider(controllers: DocumentedControllers): FactoryProvider<boolean> {
  return {
    provide: JWT_AUTH_OPENAPI,
    useFactory: async (settings: JwtAuthSettings) => {
      const swagger = await loadSwagger();
      if (!swagger) return false;
      if (controllers.token) documentTokenController(swagger, controllers.token, settings);
      if (controllers.jwks) documentController(swagger, controllers.jwks, { get: JWKS_DOC });
      return true;
    },
    inject: [JWT_AUTH_SETTINGS],
  };
}

/** Handlers of the class itself (not inherited), by name. */
function handlerOf(controller: Type<unknown>, name: string): PropertyDescriptor | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, name);
  return typeof descriptor?.value === 'function' ? descriptor : undefined;
}

function pathsOf(descriptor: PropertyDescriptor | undefined): string[] {
  const path: unknown = descriptor && Reflect.getMetadata(PATH_METADATA, descriptor.value);
  return [path].flat().filter((item): item is string => typeof item === 'string');
}

function documentTokenController(swagger: SwaggerDecorators, controller: Type<unknown>, settings: JwtAuthSettings) {
  const docs = tokenEndpointDocs(settings);
  const hidden: string[] = [...REFUSED_METHOD_HANDLERS];
  // verifyOnly: login and refresh answer 404, so they are no operations of this app.
  if (settings.verifyOnly) hidden.push('obtain', 'refresh');
  // The 405 handlers are no operations: their answer is a response of the POST on each path.
  const refusedPaths = new Set(REFUSED_METHOD_HANDLERS.flatMap((name) => pathsOf(handlerOf(controller, name))));
  const methodNotAllowed = methodNotAllowedResponse(settings);
  for (const [name, doc] of Object.entries(docs)) {
    if (!pathsOf(handlerOf(controller, name)).some((path) => refusedPaths.has(path))) continue;
    doc.responses[HttpStatus.METHOD_NOT_ALLOWED] = methodNotAllowed;
  }
  for (const name of hidden) delete docs[name];
  documentController(swagger, controller, docs, hidden);
}

function documentController(
  swagger: SwaggerDecorators,
  controller: Type<unknown>,
  docs: Record<string, OperationDoc>,
  hidden: readonly string[] = [],
): void {
  if (documented.has(controller)) return;
  documented.add(controller);
  const prototype: object = controller.prototype;
  swagger.ApiTags(JWT_AUTH_OPENAPI_TAG)(controller);
  for (const name of hidden) {
    const descriptor = handlerOf(controller, name);
    if (descriptor) swagger.ApiExcludeEndpoint()(prototype, name, descriptor);
  }
  for (const [name, doc] of Object.entries(docs)) {
    const descriptor = handlerOf(controller, name);
    if (!descriptor) continue; // a handler this version of the controller does not have
    const { summary, description, security, requestBody, responses } = doc;
    swagger.ApiOperation({ summary, description, security })(prototype, name, descriptor);
    if (requestBody) {
      swagger.ApiConsumes(...REQUEST_BODY_TYPES)(prototype, name, descriptor);
      swagger.ApiBody(requestBody)(prototype, name, descriptor);
    }
    for (const [status, response] of Object.entries(responses)) {
      swagger.ApiResponse({ status: Number(status), ...response })(prototype, name, descriptor);
    }
  }
}
