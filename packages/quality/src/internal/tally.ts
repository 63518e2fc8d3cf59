import type { QualityAlert } from '../alerts.js';
import type { GateDirection } from '../gate.js';
import type { QualityVerdictBase } from './runGates.js';

/** Outcomes of one direction. */
export interface GateTally {
  /** Frames every gate passed. */
  readonly passed: number;
  /** Frames refused, by gate and wire error code. */
  readonly rejected: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Connections closed, by gate. */
  readonly closed: Readonly<Record<string, number>>;
}

/** What `metrics()` returns. */
export interface QualitySummary {
  readonly inbound: GateTally;
  readonly outbound: GateTally;
  /** The inbound reject rate over the alert window; undefined when alerts are off. */
  readonly rejectRate:
    { readonly rate: number; readonly frames: number; readonly windowMs: number } | undefined;
  readonly activeAlerts: readonly QualityAlert[];
}

interface MutableTally {
  passed: number;
  rejected: Record<string, Record<string, number>>;
  closed: Record<string, number>;
}

const emptyTally = (): MutableTally => ({ passed: 0, rejected: {}, closed: {} });
const copy = (t: MutableTally): GateTally => ({
  passed: t.passed,
  rejected: Object.fromEntries(Object.entries(t.rejected).map(([g, codes]) => [g, { ...codes }])),
  closed: { ...t.closed },
});

/** Per-direction outcome counts of one plugin instance. */
export interface Tally {
  count(direction: GateDirection, decision: QualityVerdictBase): void;
  summary(
    rejectRate: QualitySummary['rejectRate'],
    activeAlerts: readonly QualityAlert[],
  ): QualitySummary;
}

/** Per-direction outcome counts of one plugin instance (gate names and codes are bounded sets). */
export function createTally(): Tally {
  const tallies: Record<GateDirection, MutableTally> = {
    inbound: emptyTally(),
    outbound: emptyTally(),
  };
  return {
    count(direction, { verdict, gate }) {
      const t = tallies[direction];
      const name = gate ?? '';
      switch (verdict.verdict) {
        case 'pass':
          t.passed++;
          return;
        case 'reject': {
          const codes = (t.rejected[name] ??= {});
          codes[verdict.code] = (codes[verdict.code] ?? 0) + 1;
          return;
        }
        case 'close':
          t.closed[name] = (t.closed[name] ?? 0) + 1;
          return;
      }
    },
    summary(rejectRate, activeAlerts) {
      return {
        inbound: copy(tallies.inbound),
        outbound: copy(tallies.outbound),
        rejectRate,
        activeAlerts: [...activeAlerts],
      };
    },
  };
}
