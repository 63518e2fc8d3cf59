import type { GlobProgram } from './internal/globProgram.js';
import { MAX_THREAD_LENGTH, advance, isLoop, parseGlob } from './internal/globProgram.js';

/** Thread id characters other than `:`, in the order a stand-in for "any other" is picked. */
const SEGMENT_CHARACTERS = 'xyzXYZ0123456789_-.@abcdefghijklmnopqrstuvwABCDEFGHIJKLMNOPQRSTUVW';

/**
 * The characters worth trying: the two globs only tell apart their own literals, `:`, and
 * everything else, so one character outside the literals stands for the rest.
 */
function alphabet(a: GlobProgram, b: GlobProgram): string[] {
  const chars = new Set<string>([':', ...a.literals, ...b.literals]);
  chars.delete('');
  for (const c of SEGMENT_CHARACTERS) {
    if (!chars.has(c)) {
      chars.add(c);
      break;
    }
  }
  return [...chars];
}

/** The product automaton's state space: (position in a, position in b, consumed anything). */
interface Product {
  readonly a: GlobProgram;
  readonly b: GlobProgram;
  readonly widthB: number;
  /** Per state: the state it was reached from (-1 for the start, -2 unseen). */
  readonly from: Int32Array;
  /** Per state: the character that reached it ('' through a loop that matched nothing). */
  readonly via: string[];
}

/** The state of positions `i` and `j` before anything was consumed (add 1 for after). */
function stateOf(p: Product, i: number, j: number): number {
  return (i * p.widthB + j) * 2;
}

/** Adds `state` to `level` if unseen, then whatever loops that match nothing reach from it. */
function reach(p: Product, level: number[], step: { state: number; from: number; via: string }) {
  const pending = [step];
  for (let s = pending.pop(); s !== undefined; s = pending.pop()) {
    if ((p.from[s.state] as number) !== -2) continue;
    p.from[s.state] = s.from;
    p.via[s.state] = s.via;
    level.push(s.state);
    const consumed = s.state % 2;
    const pair = (s.state - consumed) / 2;
    const i = Math.floor(pair / p.widthB);
    const j = pair % p.widthB;
    if (isLoop(p.a, i))
      pending.push({ state: stateOf(p, i + 1, j) + consumed, from: s.state, via: '' });
    if (isLoop(p.b, j))
      pending.push({ state: stateOf(p, i, j + 1) + consumed, from: s.state, via: '' });
  }
}

function witness(p: Product, accept: number): string {
  let out = '';
  for (let s = accept; s >= 0; s = p.from[s] as number) out = (p.via[s] as string) + out;
  return out;
}

/**
 * A thread id both globs match, or `undefined` when none exists: decided exactly, by a
 * breadth-first search of the two automata run side by side, one character per level, for at
 * most 128 levels (the longest thread id), so the witness is a shortest one. Both globs are
 * checked as {@link threadGlob} does (`WsError('invalid_options')` naming a bad one).
 */
export function threadGlobOverlap(first: string, second: string): string | undefined {
  const a = parseGlob(first);
  const b = parseGlob(second);
  const widthB = b.steps.length + 1;
  const size = (a.steps.length + 1) * widthB * 2;
  const p: Product = {
    a,
    b,
    widthB,
    from: new Int32Array(size).fill(-2),
    via: new Array<string>(size),
  };
  const accept = stateOf(p, a.steps.length, b.steps.length) + 1;
  const chars = alphabet(a, b);
  let level: number[] = [];
  reach(p, level, { state: stateOf(p, 0, 0), from: -1, via: '' });
  for (let length = 1; length <= MAX_THREAD_LENGTH && level.length > 0; length++) {
    const next: number[] = [];
    for (const state of level) {
      const pair = (state - (state % 2)) / 2;
      const i = Math.floor(pair / widthB);
      const j = pair % widthB;
      for (const c of chars) {
        const ti = advance(a, i, c);
        const tj = ti < 0 ? -1 : advance(b, j, c);
        if (tj >= 0) reach(p, next, { state: stateOf(p, ti, tj) + 1, from: state, via: c });
      }
    }
    if ((p.from[accept] as number) !== -2) return witness(p, accept);
    level = next;
  }
  return undefined;
}
