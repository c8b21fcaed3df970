import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The sample reads its settings from process.env. Each sample test file names the variables it
 * drives: `setEnv` sets exactly those (the others unset), and after the file the saved values
 * come back and the temporary folder (for SQLite files and keys) goes.
 */
export function useSampleEnv(driven: readonly string[], tempPrefix: string) {
  // Always driven: CI exports REDIS_URL and REDIS_CLUSTER_NODES for the Redis tests, and a sample
  // test that does not ask for Redis must not share revocations with the others through it.
  const names = [...new Set([...driven, 'REDIS_URL', 'REDIS_CLUSTER_NODES'])];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  const tempDir = mkdtempSync(join(tmpdir(), tempPrefix));
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const name of names) {
      const value = values[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  afterAll(() => {
    setEnv(saved);
    rmSync(tempDir, { recursive: true, force: true });
  });
  return { tempDir, setEnv };
}
