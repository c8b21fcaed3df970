// nest-rest-jwt/testing: helpers for an app's own tests (options, a cheap password hasher,
// tokens without the login endpoint). Never needed at run time; loads no optional peer.
export {
  type AppWithGet,
  authHeader,
  issueTestToken,
  TESTING_HASHER_OPTIONS,
  testingJwtAuthOptions,
  testingPasswordHasher,
} from './testing-helpers.js';
