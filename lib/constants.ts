/** Public injection token: the validated, resolved settings of one JwtAuthModule. */
export const JWT_AUTH_SETTINGS = Symbol('nest-rest-jwt:settings');

/** Metadata key written by `@Public()`. */
export const IS_PUBLIC_KEY = 'nest-rest-jwt:public';

/** Public injection token: the options exactly as given to `forRoot`/`forRootAsync`. */
export const JWT_AUTH_MODULE_OPTIONS = Symbol('nest-rest-jwt:options');
