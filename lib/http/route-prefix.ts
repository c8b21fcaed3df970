/** Internal token: the route prefix the token controller was built with. */
export const JWT_AUTH_ROUTE_PREFIX = Symbol('nest-rest-jwt:route-prefix');
