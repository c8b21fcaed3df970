/**
 * The few OpenAPI 3.0 objects this library writes, typed here so that nothing the main entry
 * loads needs `@nestjs/swagger` (an optional peer). They are assignable to its types.
 */

export interface SchemaObject {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  enum?: (string | number)[];
  oneOf?: SchemaObject[];
  minProperties?: number;
  example?: unknown;
}

export interface ExampleObject {
  summary: string;
  value: unknown;
}

export interface MediaTypeObject {
  schema: SchemaObject;
  examples?: Record<string, ExampleObject>;
}

export interface HeaderObject {
  description: string;
  schema: SchemaObject;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaTypeObject>;
}

/** `{}` allows anonymous requests; `{ JWT: [] }` requires the scheme. */
export type SecurityRequirementObject = Record<string, string[]>;

export type SecuritySchemeObject =
  | { type: 'apiKey'; in: 'header'; name: string; description: string }
  | { type: 'http'; scheme: 'bearer'; bearerFormat: 'JWT'; description: string };
