/** A demo user name: 1-32 characters of `a-z`, `0-9`, `_` and `-`. */
const USER_NAME = /^[a-z0-9_-]{1,32}$/;

/** Whether `value` is a valid demo user name (what `/api/login` accepts). */
export function isUserName(value: unknown): value is string {
  return typeof value === 'string' && USER_NAME.test(value);
}

/** The private thread of two users: `dm:<a>:<b>` with the names in sorted order. */
export function dmThread(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}
