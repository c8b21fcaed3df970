/** The tag the module's operations are grouped under. */
export const JWT_AUTH_OPENAPI_TAG = 'JWT authentication';
