import type { IncomingMessage } from 'node:http';
import type { Manager } from '@ws/core';
import { isWsError } from '@ws/core';
import type { ApiScope } from '../options.js';
import { fieldsOf } from './fields.js';
import { readJson } from './readJson.js';
import { ApiFailure, withHeaders } from './reply.js';
import type { ApiSettings } from './settings.js';

/** What a route answers: a status and a JSON value. */
export interface Answer {
  readonly status: number;
  readonly value: unknown;
}

/** What a route handler is given. */
export interface RouteCall {
  readonly manager: Manager;
  readonly settings: ApiSettings;
  readonly req: IncomingMessage;
  readonly url: URL;
  /** The decoded `{name}` segments of the route's template. */
  readonly params: readonly string[];
  /** Hands the detail of a failure the answer does not show (a 502's cause) to `onError`. */
  report(err: unknown): void;
}

/** What `/openapi.json` says of a route. */
export interface RouteDoc {
  readonly summary: string;
  /** The name of its body's schema (POST routes). */
  readonly request?: string;
  /** The name of its 200 answer's schema. */
  readonly answer: string;
  /** The failure statuses it may answer beyond those every route may (401, 403, 429, ...). */
  readonly failures: readonly number[];
}

/** One route: its method, template (labels metrics), scope, handler and documentation. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly template: string;
  readonly scope: ApiScope;
  readonly match: RegExp;
  readonly doc: RouteDoc;
  handle(call: RouteCall): Promise<Answer>;
}

/** The request's JSON body with only `allowed` fields: 415 unless `application/json`. */
export async function jsonBody(
  call: RouteCall,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
  const type = call.req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiFailure(415, 'unsupported_media_type', 'the body must be application/json');
  }
  return fieldsOf(await readJson(call.req, call.manager.limits.maxMessageBytes), allowed);
}

/**
 * Core's rejection of a cluster operation, as an answer: its own message for `bad_request`; anything else is
 * the cluster's failure (an adapter's error reaches `findUser` and stats as it is): 502 with a
 * fixed message, the detail to `onError`.
 */
export function clusterFailure(call: RouteCall, err: unknown): never {
  if (isWsError(err)) {
    if (err.code === 'bad_request' || err.code === 'invalid_options') {
      throw new ApiFailure(400, 'bad_request', err.message);
    }
    if (err.code === 'closed' || err.code === 'unavailable') {
      const f = new ApiFailure(503, 'unavailable', 'the cluster cannot answer now');
      throw withHeaders(f, { 'retry-after': '1' });
    }
  }
  call.report(err);
  throw new ApiFailure(502, 'cluster_error', 'the cluster could not be reached');
}
