import type { Offset } from '@ws/core';
import { threadField, userField } from './fields.js';
import { ApiFailure } from './reply.js';
import type { Route } from './route.js';
import { clusterFailure } from './route.js';

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

/** `GET /users/{user}`, `GET /threads/{thread}/history`, `.../presence` and `GET /stats`. */
export function readRoutes(): readonly Route[] {
  const user = Object.freeze<Route>({
    method: 'GET',
    template: '/users/{user}',
    scope: 'read',
    match: /^\/users\/([^/]+)$/,
    doc: {
      summary: 'Where a user is connected, across the cluster (404 when offline)',
      answer: 'UserPresence',
      failures: [400, 404, 502],
    },
    async handle(call) {
      const id = userField(call.params[0], 'user');
      const found = await call.manager
        .findUser(id)
        .catch((err: unknown) => clusterFailure(call, err));
      if (found === null) throw new ApiFailure(404, 'not_found', 'the user is not connected');
      return { status: 200, value: found };
    },
  });
  const history = Object.freeze<Route>({
    method: 'GET',
    template: '/threads/{thread}/history',
    scope: 'read',
    match: /^\/threads\/([^/]+)\/history$/,
    doc: {
      summary: "A page of a thread's kept messages after an offset, oldest first",
      answer: 'HistoryPage',
      failures: [400, 502],
    },
    async handle(call) {
      const thread = threadField(call.params[0], 'thread');
      const after = call.url.searchParams.get('after');
      const limit = limitParam(call.url);
      const page = await call.manager
        .history(thread, {
          ...(after === null ? {} : { after: after as Offset }),
          ...(limit === undefined ? {} : { limit }),
        })
        .catch((err: unknown) => clusterFailure(call, err));
      return { status: 200, value: page };
    },
  });
  const presence = Object.freeze<Route>({
    method: 'GET',
    template: '/threads/{thread}/presence',
    scope: 'read',
    match: /^\/threads\/([^/]+)\/presence$/,
    doc: {
      summary: "A page of a thread's users across the cluster, each once with its connection count",
      answer: 'ThreadPresence',
      failures: [400, 502],
    },
    async handle(call) {
      const thread = threadField(call.params[0], 'thread');
      const cursor = call.url.searchParams.get('cursor');
      const limit = limitParam(call.url);
      const page = await call.manager
        .presence(thread, {
          ...(cursor === null ? {} : { cursor }),
          ...(limit === undefined ? {} : { limit }),
        })
        .catch((err: unknown) => clusterFailure(call, err));
      return { status: 200, value: page };
    },
  });
  const stats = Object.freeze<Route>({
    method: 'GET',
    template: '/stats',
    scope: 'read',
    match: /^\/stats$/,
    doc: { summary: "The cluster's instances and totals", answer: 'ClusterStats', failures: [502] },
    async handle(call) {
      const found = await call.manager
        .getClusterStats()
        .catch((e: unknown) => clusterFailure(call, e));
      return { status: 200, value: found };
    },
  });
  return [user, history, presence, stats];
}
