/** Structured log fields. Never put secrets (tokens, resume tokens) here. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logger the manager and its plugins write to. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that writes warnings and errors to `console.error` and drops the rest. */
export function consoleLogger(): Logger {
  return {
    debug: () => {},
    info: () => {},
    warn: (message, fields) => console.error(`[ws] warn: ${message}`, fields ?? ''),
    error: (message, fields) => console.error(`[ws] error: ${message}`, fields ?? ''),
  };
}

/** A logger that drops everything. */
export function silentLogger(): Logger {
  return { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
}

const secretParams: readonly string[] = ['token', 'resume', 'access_token', 'auth'] as const;

/**
 * Replaces the values of secret query parameters (`token`, `resume`, `access_token`, `auth`) in a
 * URL or path with `[redacted]`, for anything that is logged.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeSafe(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      return secretParams.includes(key)
        ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=[redacted]`
        : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
