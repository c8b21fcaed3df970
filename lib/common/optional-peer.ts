/**
 * Whether a failed import() of an optional peer failed because the package is not installed
 * (then the feature is simply off), rather than because it broke while loading (a real error).
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(name)
  );
}
