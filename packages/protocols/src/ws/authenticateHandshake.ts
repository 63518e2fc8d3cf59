import { isUserId, redactUrl, toWsError } from '@ws/core';
import type { IncomingMessage } from 'node:http';
import type { AttachConfig } from './attachConfig.js';
import type { Authenticate, AuthResult } from './attachOptions.js';

/** The options `authenticate` runs with. */
export type AuthenticateConfig = Pick<
  AttachConfig,
  'authenticate' | 'authenticateTimeoutMs' | 'clock' | 'logger' | 'reportError'
>;

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A valid answer of `authenticate`, or undefined (refused, or no valid user id). */
function settle(
  config: AuthenticateConfig,
  result: AuthResult | null | undefined | false,
): AuthResult | undefined {
  if (result === null || result === undefined || result === false) return undefined;
  if (!isUserId(result.userId)) {
    config.reportError(
      new Error('authenticate resolved without a valid userId (1-256 characters)'),
      'authenticate',
    );
    return undefined;
  }
  return result;
}

function logThrow(config: AuthenticateConfig, req: IncomingMessage, err: unknown): undefined {
  config.logger.debug('authenticate threw', {
    error: toWsError(err).message,
    url: redactUrl(req.url ?? ''),
  });
  return undefined;
}

/**
 * Runs `authenticate` for a handshake, on a microtask (never inside the 'upgrade' event). A
 * synchronous answer needs no timeout: no timer, no race. An asynchronous one races
 * `authenticateTimeoutMs` on the clock (`'timeout'`). A throw or rejection is logged (debug) and
 * refuses.
 */
export async function authenticateHandshake(
  config: AuthenticateConfig,
  req: IncomingMessage,
  token: string | undefined,
): Promise<AuthResult | 'timeout' | undefined> {
  let answer: ReturnType<Authenticate>;
  try {
    await Promise.resolve(); // `authenticate` runs on a microtask, never inside the 'upgrade' event
    answer = config.authenticate(req, token);
  } catch (err) {
    return logThrow(config, req, err);
  }
  if (!isPromiseLike(answer)) return settle(config, answer);
  const clock = config.clock;
  let timer: ReturnType<typeof clock.setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timeout'), config.authenticateTimeoutMs);
  });
  try {
    const result = await Promise.race([answer, timeout]);
    return result === 'timeout' ? 'timeout' : settle(config, result);
  } catch (err) {
    return logThrow(config, req, err);
  } finally {
    if (timer !== undefined) clock.clear(timer);
  }
}
