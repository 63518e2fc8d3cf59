/**
 * The first step of `pnpm test`: names everything the test suite needs that this machine lacks,
 * with the command that installs it, and exits 1 before any other step runs. `.ci/run` installs
 * them on a fresh machine.
 */
// The one file of the toolkit it needs (the toolkit's entry also loads vitest and the client).
import { missingTestRequirements } from '../packages/testkit/src/machineCheck.js';

const missing = missingTestRequirements();
if (missing.length === 0) {
  console.log('preflight: redis-server, redis-cli and chromium found');
} else {
  console.error('pnpm test needs programs this machine does not have:');
  for (const m of missing) console.error(`- ${m.what} (${m.why}): ${m.problem}`);
  console.error('(`bash .ci/run` installs all of them on Debian, then runs `pnpm test`.)');
  process.exitCode = 1;
}
