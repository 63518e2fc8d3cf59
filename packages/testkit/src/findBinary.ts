import { existsSync } from 'node:fs';
import path from 'node:path';

/** What to run when redis-server or redis-cli is missing (Debian/Ubuntu; redis-cli comes with it). */
export const REDIS_INSTALL_HINT =
  'install it with `apt-get install -y redis-server` (as root, after `apt-get update`), then run the tests again';

/**
 * The absolute path of the program `name`: the first of `/usr/bin`, `/usr/local/bin` and the
 * `PATH` directories that holds it. Throws, saying what to install (`hint`), when none does.
 */
export function findBinary(name: string, hint: string): string {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${name} not found (looked in /usr/bin, /usr/local/bin and PATH): ${hint}`);
}

/** The `redis-server` binary; throws with the install command when there is none. */
export function redisServerBinary(): string {
  return findBinary('redis-server', REDIS_INSTALL_HINT);
}

/** The `redis-cli` binary; throws with the install command when there is none. */
export function redisCliBinary(): string {
  return findBinary('redis-cli', REDIS_INSTALL_HINT);
}
