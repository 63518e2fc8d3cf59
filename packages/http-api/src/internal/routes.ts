import type { IncomingMessage } from 'node:http';
import type { Manager, Offset, SendResult } from '@ws/core';
import { isWsError } from '@ws/core';
import type { ApiScope, PayloadCheck } from '../options.js';
import {
  closeCodeField,
  dataField,
  fieldsOf,
  reasonField,
  threadField,
  userField,
} from './fields.js';
import { readJson } from './readJson.js';
import { ApiFailure, withHeaders } from './reply.js';
import { invalidMessage, sendAnswer } from './sendReply.js';
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
}

/** One route: its method, template (labels metrics), scope and handler. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly template: string;
  readonly scope: ApiScope;
  readonly match: RegExp;
  handle(call: RouteCall): Promise<Answer>;
}

function checked(check: PayloadCheck | undefined, data: unknown): void {
  const problem = check?.(data);
  if (problem !== undefined) throw invalidMessage(problem);
}

async function body(call: RouteCall, allowed: readonly string[]): Promise<Record<string, unknown>> {
  const type = call.req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiFailure(415, 'unsupported_media_type', 'the body must be application/json');
  }
  return fieldsOf(await readJson(call.req, call.manager.limits.maxMessageBytes), allowed);
}

/** A `history` query's `limit`: an integer from 1 to 1000. */
function limitParam(url: URL): number | undefined {
  const raw = url.searchParams.get('limit');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < 1 || n > 1000) {
    throw new ApiFailure(400, 'bad_request', '"limit" must be an integer from 1 to 1000');
  }
  return n;
}

/** Core's rejection of a read, as an answer (its own message for `bad_request`). */
function readFailure(err: unknown): never {
  if (isWsError(err)) {
    if (err.code === 'bad_request' || err.code === 'invalid_options') {
      throw new ApiFailure(400, 'bad_request', err.message);
    }
    if (err.code === 'closed' || err.code === 'unavailable') {
      const f = new ApiFailure(503, 'unavailable', 'history cannot be read now');
      throw withHeaders(f, { 'retry-after': '1' });
    }
  }
  throw err;
}

/** Sends `data` to the target a route read from its body. */
type Sender = (manager: Manager, data: unknown) => Promise<SendResult>;

/**
 * A send route: it reads the body's `fields`, lets `target` check the target fields (a bad thread
 * or user is a 400 before the payload's check can make it a 422), then checks and sends `data`.
 */
function sendRoute(
  template: '/publish' | '/send' | '/broadcast',
  fields: readonly string[],
  target: (f: Record<string, unknown>) => Sender,
): Route {
  const kind = template.slice(1) as keyof ApiSettings['validate'];
  return {
    method: 'POST',
    template,
    scope: 'publish',
    match: new RegExp(`^${template}$`),
    async handle(call) {
      const f = await body(call, fields);
      const sendTo = target(f);
      const data = dataField(f);
      checked(call.settings.validate[kind], data);
      return sendAnswer(await sendTo(call.manager, data));
    },
  };
}

const publish = sendRoute('/publish', ['thread', 'data'], (f) => {
  const thread = threadField(f.thread, 'thread');
  return (m, data) => m.sendToThread(thread, data);
});

const send = sendRoute('/send', ['user', 'data'], (f) => {
  const user = userField(f.user, 'user');
  return (m, data) => m.sendToUser(user, data);
});

const broadcast = sendRoute('/broadcast', ['data'], () => (m, data) => m.broadcast(data));

const disconnect: Readonly<Route> = Object.freeze<Route>({
  method: 'POST',
  template: '/disconnect',
  scope: 'disconnect',
  match: /^\/disconnect$/,
  async handle(call) {
    const f = await body(call, ['user', 'code', 'reason']);
    const user = userField(f.user, 'user');
    const code = closeCodeField(f.code);
    const reason = reasonField(f.reason);
    const closed = await call.manager.disconnectUser(user, {
      scope: 'cluster',
      ...(code === undefined ? {} : { code }),
      ...(reason === undefined ? {} : { reason }),
    });
    return { status: 200, value: { ok: true, closed } };
  },
});

const user: Readonly<Route> = Object.freeze<Route>({
  method: 'GET',
  template: '/users/{user}',
  scope: 'read',
  match: /^\/users\/([^/]+)$/,
  async handle(call) {
    const id = userField(call.params[0], 'user');
    const found = await call.manager.findUser(id);
    if (found === null) throw new ApiFailure(404, 'not_found', 'the user is not connected');
    return { status: 200, value: found };
  },
});

const history: Readonly<Route> = Object.freeze<Route>({
  method: 'GET',
  template: '/threads/{thread}/history',
  scope: 'read',
  match: /^\/threads\/([^/]+)\/history$/,
  async handle(call) {
    const thread = threadField(call.params[0], 'thread');
    const after = call.url.searchParams.get('after');
    const limit = limitParam(call.url);
    const page = await call.manager
      .history(thread, {
        ...(after === null ? {} : { after: after as Offset }),
        ...(limit === undefined ? {} : { limit }),
      })
      .catch(readFailure);
    return { status: 200, value: page };
  },
});

const stats: Readonly<Route> = Object.freeze<Route>({
  method: 'GET',
  template: '/stats',
  scope: 'read',
  match: /^\/stats$/,
  async handle(call) {
    return { status: 200, value: await call.manager.getClusterStats() };
  },
});

/** Every route but `/openapi.json` (which describes them). */
export const routes: readonly Route[] = [
  publish,
  send,
  broadcast,
  disconnect,
  user,
  history,
  stats,
];
