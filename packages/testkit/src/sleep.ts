/** Resolves after `ms` milliseconds (a plain timer, for pauses between checks). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
