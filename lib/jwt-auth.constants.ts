/** Public injection token: the options exactly as given to `forRoot`/`forRootAsync`. */
export const JWT_AUTH_MODULE_OPTIONS = Symbol('nest-rest-jwt:options');

/**
 * Public injection token: a frozen, read-only view of the resolved settings an app may need
 * (cookie and header names, lifetimes, the algorithm). Never a key.
 */
export const JWT_AUTH_CONFIG = Symbol('nest-rest-jwt:config');

/** Metadata key written by `@Public()`. */
export const IS_PUBLIC_KEY = 'nest-rest-jwt:public';
