import { WsError } from '../errors.js';

/** The longest glob accepted, in characters (a thread id has at most 128). */
const MAX_GLOB_LENGTH = 256;
/** The longest thread id (PROTOCOL.md). */
export const MAX_THREAD_LENGTH = 128;
const globCharacters = /^[A-Za-z0-9:_\-.@*]+$/;

/** A literal character. */
export const LITERAL = 0;
/** One character other than `:` (the first of a `*`). */
export const ONE_IN_SEGMENT = 1;
/** Zero or more characters other than `:` (the rest of a `*`). */
export const SEGMENT_LOOP = 2;
/** Zero or more characters (a `**`). */
export const ANY_LOOP = 3;
/** What one position of a glob's automaton consumes. */
export type GlobStep =
  typeof LITERAL | typeof ONE_IN_SEGMENT | typeof SEGMENT_LOOP | typeof ANY_LOOP;

/**
 * A glob as a position automaton: `steps[i]` is what position `i` consumes; `*` is
 * `ONE_IN_SEGMENT` then `SEGMENT_LOOP`, `**` is `ANY_LOOP`. Position `steps.length` accepts.
 */
export interface GlobProgram {
  readonly steps: readonly GlobStep[];
  /** The literal character of each `LITERAL` step ('' for the others). */
  readonly literals: readonly string[];
}

function refuse(pattern: string, why: string): never {
  throw new WsError('invalid_options', `thread pattern ${JSON.stringify(pattern)} ${why}`);
}

function checkText(pattern: unknown): asserts pattern is string {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    const shown = typeof pattern === 'string' ? '""' : typeof pattern;
    throw new WsError('invalid_options', `a thread pattern is a non-empty string, not ${shown}`);
  }
  if (pattern.length > MAX_GLOB_LENGTH) refuse(pattern, `is over ${MAX_GLOB_LENGTH} characters`);
  if (!globCharacters.test(pattern)) {
    refuse(pattern, 'may only hold thread id characters (A-Za-z0-9 : _ - . @) and `*`');
  }
  if (pattern.includes('***')) refuse(pattern, 'has three `*` in a row (use `*` or `**`)');
}

/**
 * Parses a glob (1-256 characters of thread id characters and `*`, no `***`, and able to match
 * a thread id of at most 128 characters); throws `WsError('invalid_options')` naming it.
 */
export function parseGlob(pattern: unknown): GlobProgram {
  checkText(pattern);
  const steps: GlobStep[] = [];
  const literals: string[] = [];
  let shortest = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c !== '*') {
      steps.push(LITERAL);
      literals.push(c);
      shortest++;
    } else if (pattern[i + 1] === '*') {
      steps.push(ANY_LOOP);
      literals.push('');
      i++;
    } else {
      steps.push(ONE_IN_SEGMENT, SEGMENT_LOOP);
      literals.push('', '');
      shortest++;
    }
  }
  if (shortest > MAX_THREAD_LENGTH) {
    refuse(pattern, `matches no thread id (every match is over ${MAX_THREAD_LENGTH} characters)`);
  }
  return { steps, literals };
}

/** Where position `at` goes on character `c` (-1: nowhere). Loops stay; the rest advance. */
export function advance(program: GlobProgram, at: number, c: string): number {
  const step = program.steps[at];
  if (step === LITERAL) return program.literals[at] === c ? at + 1 : -1;
  if (step === ANY_LOOP) return at;
  if (step === undefined || c === ':') return -1;
  return step === ONE_IN_SEGMENT ? at + 1 : at;
}

/** True when position `at` is a loop, which may match nothing (so `at + 1` is reached too). */
export function isLoop(program: GlobProgram, at: number): boolean {
  const step = program.steps[at];
  return step === SEGMENT_LOOP || step === ANY_LOOP;
}

/** Marks `at` and every position reachable from it through loops. */
function enter(program: GlobProgram, active: Uint8Array, at: number): void {
  let i = at;
  active[i] = 1;
  while (isLoop(program, i)) active[++i] = 1;
}

/**
 * Runs the automaton over `thread` (already known to be a thread id): a set of positions, so
 * linear in the id's length times the glob's, with no backtracking whatever the glob.
 */
export function runGlob(program: GlobProgram, thread: string): boolean {
  const size = program.steps.length + 1;
  let active = new Uint8Array(size);
  let next = new Uint8Array(size);
  enter(program, active, 0);
  for (let k = 0; k < thread.length; k++) {
    const c = thread[k] as string;
    next.fill(0);
    let alive = false;
    for (let at = 0; at < size; at++) {
      if (active[at] === 0) continue;
      const to = advance(program, at, c);
      if (to >= 0) {
        enter(program, next, to);
        alive = true;
      }
    }
    if (!alive) return false;
    [active, next] = [next, active];
  }
  return active[size - 1] === 1;
}
