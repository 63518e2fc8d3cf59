import { closeCodeField, reasonField, userField } from './fields.js';
import { openApiDocument } from './openapi.js';
import { readRoutes } from './readRoutes.js';
import type { Route } from './route.js';
import { clusterFailure, jsonBody } from './route.js';
import { sendRoutes } from './sendRoutes.js';

function disconnectRoute(): Route {
  return Object.freeze<Route>({
    method: 'POST',
    template: '/disconnect',
    scope: 'disconnect',
    match: /^\/disconnect$/,
    doc: {
      summary: "Closes a user's connections on every instance (4103 revoked by default)",
      request: 'DisconnectRequest',
      answer: 'Disconnected',
      failures: [400, 413, 415, 502, 503],
    },
    async handle(call) {
      const f = await jsonBody(call, ['user', 'code', 'reason']);
      const user = userField(f.user, 'user');
      const code = closeCodeField(f.code);
      const reason = reasonField(f.reason);
      const closed = await call.manager
        .disconnectUser(user, {
          scope: 'cluster',
          ...(code === undefined ? {} : { code }),
          ...(reason === undefined ? {} : { reason }),
        })
        .catch((err: unknown) => clusterFailure(call, err));
      return { status: 200, value: { ok: true, closed } };
    },
  });
}

/** `GET /openapi.json`: the OpenAPI 3.1 document of `described` (and of itself). */
function openApiRoute(described: readonly Route[]): Route {
  const self: Route = Object.freeze<Route>({
    method: 'GET',
    template: '/openapi.json',
    scope: 'read',
    match: /^\/openapi\.json$/,
    doc: { summary: 'This document (OpenAPI 3.1)', answer: 'OpenApi', failures: [] },
    async handle(call) {
      return { status: 200, value: openApiDocument(call.settings.base, [...described, self]) };
    },
  });
  return self;
}

/** Every route of the API, `/openapi.json` last. */
export function apiRoutes(): readonly Route[] {
  const described = [...sendRoutes(), disconnectRoute(), ...readRoutes()];
  return Object.freeze([...described, openApiRoute(described)]);
}
