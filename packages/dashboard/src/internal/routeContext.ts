import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Manager } from '@ws/core';
import type { Dashboard } from '../dashboard.js';
import type { HandlerSettings } from './handlerSettings.js';
import type { Streams } from './streams.js';

/** What every route of one handler shares. */
export interface RouteContext {
  readonly settings: HandlerSettings;
  readonly manager: Manager;
  readonly dashboard: Dashboard;
  readonly streams: Streams;
  /** Counts requests refused for a missing or wrong token. */
  readonly unauthorized: Counter;
  readonly onError: (err: unknown, stage: string) => void;
}

/** One request being answered. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The request method (`GET` when absent). */
  readonly method: string;
}
