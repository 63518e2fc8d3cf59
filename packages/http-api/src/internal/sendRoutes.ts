import type { Manager, SendResult } from '@ws/core';
import type { PayloadCheck } from '../options.js';
import { dataField, threadField, userField } from './fields.js';
import type { Route } from './route.js';
import { jsonBody } from './route.js';
import { invalidMessage, sendAnswer } from './sendReply.js';
import type { ApiSettings } from './settings.js';

function checked(check: PayloadCheck | undefined, data: unknown): void {
  const problem = check?.(data);
  if (problem !== undefined) throw invalidMessage(problem);
}

/** Sends `data` to the target a route read from its body. */
type Sender = (manager: Manager, data: unknown) => Promise<SendResult>;

/** A send route's template, body fields and summary. */
interface SendRouteSpec {
  readonly template: '/publish' | '/send' | '/broadcast';
  readonly fields: readonly string[];
  readonly summary: string;
  readonly request: string;
}

/**
 * A send route: it reads the body's fields, lets `target` check the target fields (a bad thread
 * or user is a 400 before the payload's check can make it a 422), then checks and sends `data`.
 */
function sendRoute(spec: SendRouteSpec, target: (f: Record<string, unknown>) => Sender): Route {
  const kind = spec.template.slice(1) as keyof ApiSettings['validate'];
  return Object.freeze<Route>({
    method: 'POST',
    template: spec.template,
    scope: 'publish',
    match: new RegExp(`^${spec.template}$`),
    doc: {
      summary: spec.summary,
      request: spec.request,
      answer: 'SendResult',
      failures: [400, 413, 415, 422, 502],
    },
    async handle(call) {
      const f = await jsonBody(call, spec.fields);
      const sendTo = target(f);
      const data = dataField(f);
      checked(call.settings.validate[kind], data);
      const result = await sendTo(call.manager, data);
      const answer = sendAnswer(result);
      if (answer.status >= 500 && result.error !== undefined) call.report(result.error);
      return answer;
    },
  });
}

/** `POST /publish`, `POST /send` and `POST /broadcast`. */
export function sendRoutes(): readonly Route[] {
  const publish = sendRoute(
    {
      template: '/publish',
      fields: ['thread', 'data'],
      summary: "Publishes to a thread's members on every instance (kept in its history)",
      request: 'PublishRequest',
    },
    (f) => {
      const thread = threadField(f.thread, 'thread');
      return (m, data) => m.sendToThread(thread, data);
    },
  );
  const send = sendRoute(
    {
      template: '/send',
      fields: ['user', 'data'],
      summary: 'Sends to every connection of a user, on every instance',
      request: 'SendRequest',
    },
    (f) => {
      const user = userField(f.user, 'user');
      return (m, data) => m.sendToUser(user, data);
    },
  );
  const broadcast = sendRoute(
    {
      template: '/broadcast',
      fields: ['data'],
      summary: 'Sends to every connection on every instance',
      request: 'BroadcastRequest',
    },
    () => (m, data) => m.broadcast(data),
  );
  return [publish, send, broadcast];
}
