/**
 * What the HTTP API benchmark runs, shared by the runner and its two children: the routes, the
 * key and thread, the three scenarios and the full and quick sizes.
 */

/** `apiHandler`'s base path on the server (publish is `POST ${apiPath}/publish`). */
export const apiPath = '/api';
/** The bare route: reads the body, answers 204 with nothing. */
export const barePath = '/bare';
/** The one API key (scope `publish`). Loopback only; never a real secret. */
export const apiKey = 'bench-key-0123456789abcdef';
/** The thread the receiving client joins and every message goes to. */
export const benchThread = 'chat:bench';

/**
 * `http`: `POST /api/publish` from the runner; figure: delivery latency to the client.
 * `inproc`: `manager.sendToThread` from a timer in the server; figure: delivery latency.
 * `bare`: `POST /bare` from the runner, answered 204; figure: the round trip.
 */
export type Scenario = 'http' | 'inproc' | 'bare';

/** The order of the scenarios in every repetition (interleaved: A B C, A B C, ...). */
export const scenarios: readonly Scenario[] = ['http', 'inproc', 'bare'];

export interface Sizes {
  readonly reps: number;
  /** Requests (or publishes) per second of every scenario. */
  readonly perSecond: number;
  /** Seconds each scenario runs in each repetition. */
  readonly seconds: number;
  /** Seconds of each scenario before the first repetition (not measured). */
  readonly warmupSeconds: number;
  /** Hard deadline of the whole run (every child killed, exit 1). */
  readonly deadlineMs: number;
}

export const fullSizes: Sizes = {
  reps: 3,
  perSecond: 1000,
  seconds: 10,
  warmupSeconds: 2,
  deadlineMs: 5 * 60_000,
};

/** The smoke run: every scenario for a second, one repetition, well under 20 s. */
export const quickSizes: Sizes = {
  reps: 1,
  perSecond: 1000,
  seconds: 1,
  warmupSeconds: 0.5,
  deadlineMs: 60_000,
};
