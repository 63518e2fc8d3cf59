import { existsSync } from 'node:fs';
import type { Browser, LaunchOptions } from 'playwright-core';

/**
 * Where Debian's Chromium may be, best first: `/usr/lib/chromium/chromium` is the binary itself
 * (`/usr/bin/chromium` is a shell wrapper that prints a harmless `unexpected operator` line).
 */
export const CHROMIUM_PATHS: readonly string[] = [
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
];

/** The flags every test browser runs with: headless, no sandbox (root in CI), no GPU, quiet. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/** The Chromium binary to launch; throws, with the install command, when none is installed. */
export function chromiumPath(): string {
  const found = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(
      `Chromium is not installed (looked for ${CHROMIUM_PATHS.join(', ')}): run \`apt-get update && apt-get install -y chromium\` as root, then run this test again`,
    );
  }
  return found;
}

/** Options of {@link launchChromium}: playwright's, but the binary and its flags are fixed. */
export type ChromiumOptions = Omit<LaunchOptions, 'executablePath' | 'args' | 'headless'>;

/**
 * Launches Debian's Chromium through playwright-core (loaded on first call, so tests that never
 * open a browser do not pay for it), headless with {@link CHROMIUM_ARGS}. Fails with the install
 * command when Chromium is absent: a browser test fails, it never skips. Close the browser when done.
 */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  const { chromium } = await import('playwright-core');
  return chromium.launch({ ...options, executablePath, args: [...CHROMIUM_ARGS] });
}
