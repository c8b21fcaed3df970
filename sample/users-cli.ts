import { databasePath } from './paths.js';
import { runUsersCommand } from './users/users-command.js';
import { UserStore, UserStoreError } from './users/user-store.js';

/** `npm run users -- <command>`: manage the sample's users in the server's SQLite file. */
async function main(): Promise<number> {
  let store: UserStore;
  try {
    store = UserStore.open(databasePath(process.env.SAMPLE_DB));
  } catch (error) {
    if (!(error instanceof UserStoreError)) throw error;
    console.error(`error: ${error.message}`);
    return 1;
  }
  try {
    const result = await runUsersCommand(process.argv.slice(2), store);
    for (const line of result.stdout) console.log(line);
    for (const line of result.stderr) console.error(line);
    return result.code;
  } finally {
    store.close();
  }
}

process.exitCode = await main();
