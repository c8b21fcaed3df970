import { UserStoreError, type UserStore } from './user-store.js';

/** What a run of the command printed and its exit code; `users-cli.ts` does the actual output. */
export interface CommandResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

export const USAGE = `Usage: npm run users -- <command>

Commands:
  add <username> <password> [--email <address>] [--inactive] [--staff]
  activate <username>
  deactivate <username>
  delete <username>
  list

The database is SAMPLE_DB (default: sample/db.sqlite3), the file the server uses.`;

/** A command line that does not fit the usage text. */
class UsageError extends Error {}

/**
 * Runs one command against the store (like Django's manage.py createsuperuser & co.).
 * User mistakes give exit code 1 and a one-line message, never a stack trace.
 */
export async function runUsersCommand(argv: readonly string[], store: UserStore): Promise<CommandResult> {
  const stdout: string[] = [];
  try {
    await dispatch(argv, store, stdout);
    return { code: 0, stdout, stderr: [] };
  } catch (error) {
    if (error instanceof UsageError) return { code: 1, stdout, stderr: [`error: ${error.message}`, '', USAGE] };
    if (error instanceof UserStoreError) return { code: 1, stdout, stderr: [`error: ${error.message}`] };
    throw error;
  }
}

async function dispatch(argv: readonly string[], store: UserStore, out: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'add': {
      const { positional, email, inactive, staff } = parseAddOptions(rest);
      if (positional.length !== 2) throw new UsageError('add needs <username> <password>');
      const [username, password] = positional;
      const user = await store.add({ username, password, email, isActive: !inactive, isStaff: staff });
      const flags = `${user.isActive ? '' : ', inactive'}${user.isStaff ? ', staff' : ''}`;
      out.push(`Created user "${user.username}" (id ${user.id}${flags}).`);
      return;
    }
    case 'activate':
    case 'deactivate': {
      const user = store.setActive(singleUsername(command, rest), command === 'activate');
      out.push(`User "${user.username}" is now ${user.isActive ? 'active' : 'inactive'}.`);
      return;
    }
    case 'delete': {
      const username = singleUsername(command, rest);
      store.delete(username);
      out.push(`Deleted user "${username}".`);
      return;
    }
    case 'list': {
      if (rest.length !== 0) throw new UsageError('list takes no arguments');
      const users = store.list();
      if (users.length === 0) out.push('No users.');
      for (const user of users) {
        const status = [user.id, user.username, user.email ?? '-', user.isActive ? 'active' : 'inactive'];
        out.push([...status, ...(user.isStaff ? ['staff'] : [])].join('\t'));
      }
      return;
    }
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

function singleUsername(command: string, rest: readonly string[]): string {
  if (rest.length !== 1 || rest[0].startsWith('--')) throw new UsageError(`${command} needs exactly one <username>`);
  return rest[0];
}

function parseAddOptions(args: readonly string[]): {
  positional: string[];
  email?: string;
  inactive: boolean;
  staff: boolean;
} {
  const positional: string[] = [];
  let email: string | undefined;
  let inactive = false;
  let staff = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      // Everything after `--` is positional: a password may start with dashes.
      positional.push(...args.slice(i + 1));
      break;
    } else if (arg === '--inactive') {
      inactive = true;
    } else if (arg === '--staff') {
      staff = true;
    } else if (arg === '--email') {
      if (i + 1 >= args.length) throw new UsageError('--email needs an address');
      email = args[++i];
    } else if (arg.startsWith('--email=')) {
      email = arg.slice('--email='.length);
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return { positional, email, inactive, staff };
}
