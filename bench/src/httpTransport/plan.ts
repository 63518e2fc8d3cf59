/** The sizes of `bench:http-transport`, full and quick. */
export interface Sizes {
  /** Clients per variant, all in one thread. */
  readonly clients: number;
  /** Messages the server sends to the thread per phase (paced, then burst). */
  readonly messages: number;
  readonly reps: number;
  /** How long a phase may take to deliver everything, in ms. */
  readonly deliverTimeoutMs: number;
  /** The hard deadline of the whole run, in ms. */
  readonly deadlineMs: number;
}

export const fullSizes: Sizes = {
  clients: 500,
  messages: 200,
  reps: 3,
  deliverTimeoutMs: 60_000,
  deadlineMs: 15 * 60_000,
};

export const quickSizes: Sizes = {
  clients: 50,
  messages: 50,
  reps: 1,
  deliverTimeoutMs: 20_000,
  deadlineMs: 3 * 60_000,
};

export type Transport = 'websocket' | 'http';
export type Mode = 'paced' | 'burst';

export const transports: readonly Transport[] = ['websocket', 'http'];
export const modes: readonly Mode[] = ['paced', 'burst'];

/** What one phase of one variant measured. */
export interface PhaseFigures {
  readonly transport: Transport;
  readonly mode: Mode;
  readonly rep: number;
  /** Server CPU (user + system) per delivered message, in microseconds. */
  readonly cpuUsPerDelivered: number;
  readonly delivered: number;
  readonly expected: number;
  readonly lost: number;
  readonly duplicates: number;
  /** From the `fanout` command to the last delivery, in ms. */
  readonly wallMs: number;
}

/** The run's description, for the results file. */
export function describeRun(s: Sizes): string {
  return `One server process (\`createManager\` with benchmark limits, no heartbeat; \`attach\` from \`@ws/protocols/ws\` and \`httpTransport\` from \`@ws/protocols/http\` on one HTTP server) and ${s.clients.toLocaleString('en-US')} clients in the runner, all joined to one thread: \`ws\` clients (variant websocket) or Server-Sent Events streams read with \`node:http\` that joined by one POST (variant http). Per phase the server sends ${s.messages.toLocaleString('en-US')} messages (~100 bytes of data) to the thread itself (\`manager.sendToThread\`), one per event-loop turn (paced) or all in one turn (burst); measured from the command to the last delivery: the server's CPU (\`process.cpuUsage()\`, user + system) divided by the messages the clients received. Variants interleaved per repetition (websocket, http), a fresh server each, ${s.reps} repetition${s.reps === 1 ? '' : 's'}; medians with (min-max).`;
}
