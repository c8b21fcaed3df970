import { expect } from '@jest/globals';
import type { Response } from 'supertest';

export const ERROR_FORMATS = ['nest', 'drf'] as const;
export type ErrorFormatName = (typeof ERROR_FORMATS)[number];

/** The exact 401 body of each error format. */
export function unauthorizedBody(format: ErrorFormatName, message: string): object {
  return format === 'drf' ? { detail: message } : { statusCode: 401, message, error: 'Unauthorized' };
}

/**
 * Asserts the guard's refusal: 401, `WWW-Authenticate: <prefix> realm="api"`, and exactly the
 * body of the error format (compared as text, so no extra or reordered keys slip through).
 */
export function expectRefusal(response: Response, message: string, format: ErrorFormatName, prefix = 'JWT'): void {
  expect({ status: response.status, body: response.body as unknown }).toEqual({
    status: 401,
    body: unauthorizedBody(format, message),
  });
  expect(response.text).toBe(JSON.stringify(unauthorizedBody(format, message)));
  expect(response.headers['www-authenticate']).toBe(`${prefix} realm="api"`);
}
