import { createHash } from 'node:crypto';
import { checkOptionKeys, WsError } from '@ws/core';
import type { OptionKeys } from '@ws/core';
import type { ApiHandlerOptions, ApiKey, ApiScope, ApiValidators } from '../options.js';
import { apiHandlerDefaults, apiHandlerOptionKeys } from '../options.js';

/** A key as the handler keeps it. */
export interface ResolvedKey {
  readonly name: string;
  /** The key's SHA-256 digest, computed once: requests are compared against it. */
  readonly digest: Buffer;
  readonly scopes: ReadonlySet<ApiScope>;
}

/** The options with defaults filled in and every value checked. */
export interface ApiSettings {
  readonly base: string;
  readonly keys: readonly ResolvedKey[];
  readonly requestsPerSecond: number;
  readonly validate: ApiValidators;
}

const allScopes: readonly ApiScope[] = ['publish', 'disconnect', 'read'];
const keyShape = { name: true, key: true, scopes: true } as const satisfies OptionKeys<ApiKey>;
const namePattern = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_KEY_LENGTH = 16;

/** The SHA-256 digest of a key or of a presented token. */
export function keyDigest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function invalid(message: string): WsError {
  return new WsError('invalid_options', `apiHandler: ${message}`);
}

function resolveKey(k: ApiKey, i: number): ResolvedKey {
  checkOptionKeys<ApiKey>(k, keyShape, `apiHandler keys[${i}]`);
  if (typeof k.name !== 'string' || !namePattern.test(k.name)) {
    throw invalid(`keys[${i}].name must be 1-64 of A-Za-z0-9_.-`);
  }
  // The message names the key's name, never the key.
  // A bearer token is visible ASCII without spaces: a key with others could never be presented.
  if (typeof k.key !== 'string' || k.key.length < MIN_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(k.key)) {
    throw invalid(
      `key "${k.name}" must be at least ${MIN_KEY_LENGTH} visible ASCII characters, no spaces`,
    );
  }
  const scopes = k.scopes ?? allScopes;
  if (!Array.isArray(scopes) || scopes.some((s) => !allScopes.includes(s as ApiScope))) {
    throw invalid(`key "${k.name}" scopes must be a list of ${allScopes.join(', ')}`);
  }
  return { name: k.name, digest: keyDigest(k.key), scopes: new Set(scopes) };
}

function resolveKeys(keys: unknown): readonly ResolvedKey[] {
  if (!Array.isArray(keys) || keys.length === 0) throw invalid('keys must list at least one key');
  const resolved = (keys as ApiKey[]).map(resolveKey);
  const names = new Set(resolved.map((k) => k.name));
  if (names.size !== resolved.length) throw invalid('key names must be unique');
  const digests = new Set(resolved.map((k) => k.digest.toString('hex')));
  if (digests.size !== resolved.length) throw invalid('two keys have the same secret');
  return resolved;
}

function resolvePath(path: unknown): string {
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9_.~/-]*$/.test(path)) {
    throw invalid('path must start with "/" and hold only URL-safe characters');
  }
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Checks `apiHandler`'s options; throws `WsError('invalid_options')` naming what is wrong. */
export function apiSettings(options: ApiHandlerOptions): ApiSettings {
  checkOptionKeys<ApiHandlerOptions>(options, apiHandlerOptionKeys, 'apiHandler');
  const rps = options.requestsPerSecond ?? apiHandlerDefaults.requestsPerSecond;
  if (typeof rps !== 'number' || !Number.isFinite(rps) || rps <= 0) {
    throw invalid('requestsPerSecond must be a positive number');
  }
  const validate = options.validate ?? {};
  for (const [kind, check] of Object.entries(validate)) {
    if (check !== undefined && typeof check !== 'function') {
      throw invalid(`validate.${kind} must be a function`);
    }
  }
  return {
    base: resolvePath(options.path ?? apiHandlerDefaults.path),
    keys: resolveKeys(options.keys),
    requestsPerSecond: rps,
    validate,
  };
}
