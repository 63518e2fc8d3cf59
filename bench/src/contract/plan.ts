/**
 * What the contract benchmark runs: the variants (server sends without and with `validateSends`;
 * inbound `publish` frames through no quality plugin, through `schemaGate`, through
 * `quality({ contract })`), the thread and the full and quick sizes.
 */

/** The thread every send and publish goes to (it fits the contract's `chat:*`). */
export const benchThread = 'chat:1';

/** The largest `text` the schema accepts. */
export const maxText = 2000;

export type VariantId =
  'send-baseline' | 'send-validate' | 'frame-none' | 'frame-schemaGate' | 'frame-contract';

/**
 * `send`: `manager.sendToThread` to a thread of `members` connections, `createManager({ contract
 * })` with or without `validateSends`. `frame`: a member's `publish` frames (with an `id`, so
 * each is acknowledged) to a thread with one other member, through `quality` or not.
 */
export interface Variant {
  readonly id: VariantId;
  readonly kind: 'send' | 'frame';
  /** The variant this one's ratios are taken against (none for a baseline). */
  readonly against?: VariantId;
}

export interface Sizes {
  readonly reps: number;
  /** Operations measured per phase (burst and paced each). */
  readonly ops: number;
  /** Operations run first in each mode, not measured. */
  readonly warmup: number;
  /** Members of the thread the server sends to. */
  readonly members: number;
  /** Longest a phase may take before it is a harness error, ms. */
  readonly phaseMs: number;
  /** Hard deadline of the whole run (exit 1). */
  readonly deadlineMs: number;
}

export const fullSizes: Readonly<Sizes> = {
  reps: 3,
  ops: 20_000,
  warmup: 5_000,
  members: 100,
  phaseMs: 60_000,
  deadlineMs: 10 * 60_000,
};

/** The smoke run: 2,000 operations per phase (1,000 to warm up), one repetition. */
export const quickSizes: Readonly<Sizes> = {
  reps: 1,
  ops: 2_000,
  warmup: 1_000,
  members: 100,
  phaseMs: 10_000,
  deadlineMs: 2 * 60_000,
};

/** The variants of one repetition, in their interleaving order. */
export const variants: readonly Variant[] = [
  { id: 'send-baseline', kind: 'send' },
  { id: 'send-validate', kind: 'send', against: 'send-baseline' },
  { id: 'frame-none', kind: 'frame' },
  { id: 'frame-schemaGate', kind: 'frame', against: 'frame-none' },
  { id: 'frame-contract', kind: 'frame', against: 'frame-none' },
];

export function variantLabel(v: Variant): string {
  switch (v.id) {
    case 'send-baseline':
      return 'sendToThread, no validateSends';
    case 'send-validate':
      return 'sendToThread, validateSends: true';
    case 'frame-none':
      return 'publish frames, no quality plugin';
    case 'frame-schemaGate':
      return 'publish frames, quality({ inbound: [schemaGate(...)] })';
    case 'frame-contract':
      return 'publish frames, quality({ contract })';
  }
}
