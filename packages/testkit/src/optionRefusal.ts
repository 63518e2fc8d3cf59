/**
 * The message of the `invalid_options` error `fn` throws (a `WsError` or `ClientError`: any
 * `Error` whose `code` is `'invalid_options'`), `'accepted'` when it throws nothing, or a
 * `not invalid_options: ...` marker for any other throw, so one `expect(...).toContain(...)` or
 * `.toBe('accepted')` tells every outcome apart.
 */
export function optionRefusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error && (err as { code?: unknown }).code === 'invalid_options')
      return err.message;
    return `not invalid_options: ${String(err)}`;
  }
  return 'accepted';
}

/**
 * An object that must not be touched: reading any property throws, naming `name`. Pass it where
 * a factory takes a client, socket or registry, to show the options are refused before it is used.
 */
export function untouchable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      throw new Error(`${name}.${String(key)} read before the options were checked`);
    },
  });
}
