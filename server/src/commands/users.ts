import path from 'node:path';
import { parseArgs } from 'node:util';
import { addUser, removeUser } from '../security/users';
import { CliFailure, EXIT, type Io, stdio, UsageError } from './cli-common';

export const USERS_USAGE =
  'reelgraph users add <name> [--admin] [--users <users.json>] | reelgraph users remove <name> [--users <users.json>]';

/**
 * `reelgraph users add`: create a user (or give one a new token) in the users file that
 * `serve --users` reads. The token is printed once; the file keeps only its hash.
 * `reelgraph users remove`: take a user out (their token stops working at the next start).
 */
export async function usersCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { admin: { type: 'boolean' }, users: { type: 'string' } },
  });
  const [action, name, ...extra] = positionals;
  if ((action !== 'add' && action !== 'remove') || name === undefined || extra.length > 0)
    throw new UsageError(USERS_USAGE);
  const file = path.resolve(values.users ?? 'users.json');
  if (action === 'remove') {
    let removed: boolean;
    try {
      removed = removeUser(file, name);
    } catch (err) {
      throw new CliFailure((err as Error).message);
    }
    if (!removed) throw new CliFailure(`there is no user "${name}" in ${file}`);
    io.err.write(`User "${name}" removed from ${file} (restart "reelgraph serve --users" to apply).\n`);
    return EXIT.ok;
  }
  let token: string;
  try {
    token = addUser(file, name, values.admin ?? false);
  } catch (err) {
    throw new CliFailure((err as Error).message);
  }
  io.err.write(
    `${values.admin ? 'Admin' : 'User'} "${name}" written to ${file} (restart "reelgraph serve --users" to apply).\n` +
      'Their token, shown only this once:\n',
  );
  io.out.write(`${token}\n`);
  return EXIT.ok;
}
