import type { MetricSnapshot } from '@ws/core';

/** The registry as read at one moment. */
export interface RegistrySample {
  readonly at: number;
  readonly metrics: ReadonlyMap<string, MetricSnapshot>;
}

/** A bounded ring buffer of registry samples, oldest first. */
export interface History {
  push(sample: RegistrySample): void;
  /** Every kept sample, oldest first (a copy). */
  samples(): RegistrySample[];
  readonly size: number;
  clear(): void;
}

/** Turns a registry snapshot into a sample. */
export function toSample(at: number, snapshot: readonly MetricSnapshot[]): RegistrySample {
  const metrics = new Map<string, MetricSnapshot>();
  for (const m of snapshot) metrics.set(m.name, m);
  return { at, metrics };
}

/** Creates a ring buffer keeping the newest `capacity` samples. */
export function createHistory(capacity: number): History {
  const slots: (RegistrySample | undefined)[] = new Array<RegistrySample | undefined>(
    capacity,
  ).fill(undefined);
  let next = 0;
  let size = 0;
  return {
    push(sample) {
      slots[next] = sample;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
    },
    samples() {
      const out: RegistrySample[] = [];
      const start = (next - size + capacity) % capacity;
      for (let i = 0; i < size; i++) out.push(slots[(start + i) % capacity] as RegistrySample);
      return out;
    },
    get size() {
      return size;
    },
    clear() {
      slots.fill(undefined);
      next = 0;
      size = 0;
    },
  };
}
