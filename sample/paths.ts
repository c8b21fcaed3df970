import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest directory above this file with a package.json. Found by
 * walking up because this file runs from sample/ under jest and from dist-sample/sample/ when built.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('nest-rest-jwt sample: no package.json above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

/** SAMPLE_DB (relative paths are taken from the current directory), else sample/db.sqlite3. */
export function databasePath(sampleDb: string | undefined): string {
  if (sampleDb !== undefined && sampleDb.trim() !== '') return resolve(sampleDb);
  return join(packageRoot(), 'sample', 'db.sqlite3');
}
