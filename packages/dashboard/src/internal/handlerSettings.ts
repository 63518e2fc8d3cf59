import { WsError, checkOptionKeys } from '@ws/core';
import type { DashboardHandlerOptions } from '../handlerOptions.js';
import { dashboardHandlerDefaults, dashboardHandlerOptionKeys } from '../handlerOptions.js';
import { sessionValue } from './auth.js';

/** The handler's options checked, with their defaults applied. */
export interface HandlerSettings {
  /** The admin token. */
  readonly token: string;
  /** The sign-in cookie's value for that token ({@link sessionValue}). */
  readonly session: string;
  /** The page's path, without a trailing `/`. */
  readonly base: string;
  /** Where `/metrics` is served, or `undefined` for nowhere. */
  readonly metricsPath: string | undefined;
  readonly metricsRequireToken: boolean;
  readonly updateIntervalMs: number;
  readonly maxStreams: number;
  readonly cookieMaxAge: number;
  readonly allowWrites: boolean;
  readonly maxBodyBytes: number;
  readonly appTitle: string;
}

function normalizePath(path: string, name: string): string {
  if (!/^\/[A-Za-z0-9_.~\-/]*$/.test(path))
    throw new WsError('invalid_options', `${name} must be an absolute URL path`);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') throw new WsError('invalid_options', `${name} must not be "/"`);
  return trimmed;
}

function nonNegativeInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new WsError('invalid_options', `${name} must be an integer >= ${min}`);
  return value;
}

/**
 * Checks the options of `dashboardHandler`, unknown keys (`auth`'s included) first; throws
 * `WsError('invalid_options')` at the first bad one.
 */
export function handlerSettings(options: DashboardHandlerOptions): HandlerSettings {
  checkOptionKeys<DashboardHandlerOptions>(
    options,
    dashboardHandlerOptionKeys,
    'dashboardHandler options',
  );
  const token = options.auth?.token;
  if (typeof token !== 'string' || token.length < 16) {
    throw new WsError(
      'invalid_options',
      'dashboardHandler: auth.token must be a string of at least 16 characters',
    );
  }
  const d = dashboardHandlerDefaults;
  const base = normalizePath(options.path ?? d.path, 'path');
  const metricsOption = options.metricsPath === undefined ? d.metricsPath : options.metricsPath;
  const metricsPath =
    metricsOption === null ? undefined : normalizePath(metricsOption, 'metricsPath');
  const updateIntervalMs = nonNegativeInt(
    options.updateIntervalMs ?? d.updateIntervalMs,
    'updateIntervalMs',
    50,
  );
  const maxStreams = nonNegativeInt(options.maxStreams ?? d.maxStreams, 'maxStreams', 0);
  const cookieMaxAge = nonNegativeInt(
    options.cookieMaxAgeSeconds ?? d.cookieMaxAgeSeconds,
    'cookieMaxAgeSeconds',
    1,
  );
  const maxBodyBytes = nonNegativeInt(options.maxBodyBytes ?? d.maxBodyBytes, 'maxBodyBytes', 1);
  return {
    token,
    session: sessionValue(token),
    base,
    metricsPath,
    metricsRequireToken: options.metricsRequireToken ?? d.metricsRequireToken,
    updateIntervalMs,
    maxStreams,
    cookieMaxAge,
    allowWrites: options.allowConfigWrites ?? d.allowConfigWrites,
    maxBodyBytes,
    appTitle: options.title ?? d.title,
  };
}
