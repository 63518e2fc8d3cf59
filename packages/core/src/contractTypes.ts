import type { StandardSchemaV1 } from './standardSchema.js';

/** Schemas for the `data` of thread messages, keyed by thread glob (see `threadGlob`). */
export type ContractSchemas = { readonly [pattern: string]: StandardSchemaV1 };

/** One thread glob of a contract and the schema of its messages' `data`. */
export interface ContractThread<
  P extends string = string,
  S extends StandardSchemaV1 = StandardSchemaV1,
> {
  readonly pattern: P;
  readonly schema: S;
}

/** The entries of a contract's `threads`, one per glob of `T`, as a union. */
export type ContractThreadsOf<T extends ContractSchemas> = {
  readonly [P in keyof T & string]: ContractThread<P, T[P]>;
}[keyof T & string];

/** One problem with a message's `data`: where (`data.items[0].name`) and what. */
export interface ContractIssue {
  /** The path from the frame's root: `data` for the data itself, `data.text`, `data.items[0]`. */
  readonly path: string;
  /** The schema's message. */
  readonly message: string;
}

/** The data passed its schema: `value` is the schema's output (its transforms applied). */
export interface ContractPass {
  readonly ok: true;
  readonly value: unknown;
}

/**
 * The data did not pass: `unmatched` when the contract has no schema for the thread (or for
 * direct messages), `invalid` when the schema refused the data. `message` is one line ready for
 * an `invalid_message` error (`invalid data for thread "chat:1": data.text: Expected string`):
 * the first 3 issues, `(+N more)`, at most 200 characters.
 */
export interface ContractFailure {
  readonly ok: false;
  readonly reason: 'unmatched' | 'invalid';
  readonly message: string;
  /** Every issue the schema reported (none when `unmatched`). */
  readonly issues: readonly ContractIssue[];
}

/** What {@link Contract.check} answers. */
export type ContractCheck = ContractPass | ContractFailure;

/**
 * A contract: the schema of each thread glob's messages and of direct messages, from
 * `defineContract`. Frozen. Its type parameters, the union of its `{ pattern, schema }` entries
 * and the direct schema, carry the globs and schemas for {@link ThreadOf}, {@link PayloadOf} and
 * {@link DirectPayload}; both are covariant, so `Contract` alone is any contract.
 */
export interface Contract<
  T extends ContractThread = ContractThread,
  D extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  /** The thread globs and their schemas, in the order given; no two globs overlap. */
  readonly threads: readonly T[];
  /** The schema of direct messages (no thread), or `undefined`: none are in the contract. */
  readonly direct: D;
  /** The schema of `thread`'s messages: the one glob that matches it, else `undefined`. */
  schemaFor(thread: string): StandardSchemaV1 | undefined;
  /**
   * Checks a message's `data` against its schema: `thread`'s, or with `undefined` the direct
   * messages' one. Synchronous when the schema is (zod, valibot and arktype are), a promise only
   * for an async schema. What a schema throws is thrown (or rejected) as it is.
   */
  check(thread: string | undefined, data: unknown): ContractCheck | Promise<ContractCheck>;
}

/** Drops one leading `*` (the second of a `**`). */
type AfterStar<S extends string> = S extends `*${infer Rest}` ? Rest : S;

/**
 * The type of the thread ids a glob matches: each `*` or `**` becomes `${string}`
 * (`'chat:*'` -> `` `chat:${string}` ``, `'a:*:b'` -> `` `a:${string}:b` ``, `'**'` ->
 * `string`). Wider than the run-time match where TypeScript cannot say it: `${string}` may be
 * empty and may hold `:`, a `*` may not.
 */
export type PatternThread<P extends string> = P extends `${infer Head}*${infer Rest}`
  ? `${Head}${string}${PatternThread<AfterStar<Rest>>}`
  : P;

/** The thread ids a contract has schemas for, as a union of template literal types. */
export type ThreadOf<C extends Contract> = PatternThread<C['threads'][number]['pattern']>;

/** Which side of a schema: what it accepts (`input`) or what its validation gives (`output`). */
export type PayloadSide = 'input' | 'output';

type Infer<S extends StandardSchemaV1, Side extends PayloadSide> = Side extends 'output'
  ? StandardSchemaV1.InferOutput<S>
  : StandardSchemaV1.InferInput<S>;

/** The entries whose glob's type `Thread` is assignable to. */
type Matching<E, Thread extends string> = E extends ContractThread
  ? Thread extends PatternThread<E['pattern']>
    ? E
    : never
  : never;

/** True when `F`'s glob type is strictly narrower than `E`'s. */
type Narrower<E extends ContractThread, F extends ContractThread> =
  PatternThread<F['pattern']> extends PatternThread<E['pattern']>
    ? PatternThread<E['pattern']> extends PatternThread<F['pattern']>
      ? false
      : true
    : false;

/** The entries of `M` that no other entry of `M` is narrower than. */
type Narrowest<M extends ContractThread, All extends ContractThread = M> = M extends ContractThread
  ? true extends (All extends ContractThread ? Narrower<M, All> : never)
    ? never
    : M
  : never;

/**
 * The type of the `data` of messages in `Thread`: the schema's input type (the default: what a
 * sender passes and, since validation does not rewrite messages, what travels), or its output
 * type with `'output'`. `never` for a thread outside every glob. Where two globs' types both
 * hold `Thread` (`'a:*'` and `'a:*:b'` for `a:x:b`: they do not overlap at run time, but
 * `${string}` holds `:`), the narrower glob's schema wins; if neither is narrower, the union.
 */
export type PayloadOf<
  C extends Contract,
  Thread extends string,
  Side extends PayloadSide = 'input',
> = Thread extends unknown
  ? Infer<Narrowest<Matching<C['threads'][number], Thread>>['schema'], Side>
  : never;

/** The type of direct messages' `data` (input by default, see {@link PayloadOf}); `never` without a `direct` schema. */
export type DirectPayload<
  C extends Contract,
  Side extends PayloadSide = 'input',
> = C['direct'] extends StandardSchemaV1 ? Infer<C['direct'], Side> : never;
