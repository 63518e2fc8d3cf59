/**
 * What `pnpm test` needs of the machine beyond Node and pnpm, checked before the first step so a
 * missing program is named (with the command that installs it) at once, not after minutes of
 * other steps.
 */
import { chromiumPath } from './chromium.js';
import { redisCliBinary, redisServerBinary } from './findBinary.js';

/** One missing requirement: what it is for and how to get it. */
export interface MissingRequirement {
  readonly what: string;
  readonly why: string;
  readonly problem: string;
}

function check(what: string, why: string, find: () => string): MissingRequirement | undefined {
  try {
    find();
    return undefined;
  } catch (err) {
    return { what, why, problem: err instanceof Error ? err.message : String(err) };
  }
}

/** Every requirement of the test suite that this machine lacks (empty when it has them all). */
export function missingTestRequirements(): MissingRequirement[] {
  return [
    check(
      'redis-server',
      'the Redis tests start their own servers on free ports',
      redisServerBinary,
    ),
    check('redis-cli', 'the Redis Cluster tests create the cluster with it', redisCliBinary),
    check('chromium', 'the browser tests (dashboard, client bundle, demo)', chromiumPath),
  ].filter((m): m is MissingRequirement => m !== undefined);
}
