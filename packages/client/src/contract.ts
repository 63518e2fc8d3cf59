/**
 * The client's own, structural view of a contract (`defineContract` in `@ws/core`): only what
 * typing needs, the thread globs and the schemas' types, so the client imports nothing from the
 * server packages and the bundle gains no code (this file is types only). A contract from
 * `defineContract` is assignable to {@link Contract}; `contract.test-d.ts` checks that the two
 * stay compatible and that these types agree with core's.
 */

/**
 * A schema as far as typing needs it: the `types` of a Standard Schema (zod, valibot, arktype...)
 * give what it accepts (`input`) and what its validation gives (`output`).
 */
export interface ContractSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** One thread glob of a contract (`'chat:*'`) and the schema of its messages' `data`. */
export interface ContractThread<
  P extends string = string,
  S extends ContractSchema = ContractSchema,
> {
  readonly pattern: P;
  readonly schema: S;
}

/**
 * A contract as the client sees it: the union of its `{ pattern, schema }` entries and the
 * schema of direct messages (`undefined`: none are in the contract). Pass a contract's type to
 * `createClient<typeof contract>()`; the client never needs the value.
 */
export interface Contract<
  T extends ContractThread = ContractThread,
  D extends ContractSchema | undefined = ContractSchema | undefined,
> {
  readonly threads: readonly T[];
  readonly direct: D;
}

/** The contract of a client created without one: every thread a `string`, every `data` `unknown`. */
export type UntypedContract = Contract<ContractThread<string, ContractSchema>, ContractSchema>;

/** Drops one leading `*` (the second of a `**`). */
type AfterStar<S extends string> = S extends `*${infer Rest}` ? Rest : S;

/**
 * The type of the thread ids a glob matches: each `*` or `**` becomes `${string}`
 * (`'chat:*'` -> `` `chat:${string}` ``, `'**'` -> `string`). Wider than the run-time match:
 * `${string}` may be empty and may hold `:`, a `*` may not.
 */
export type PatternThread<P extends string> = P extends `${infer Head}*${infer Rest}`
  ? `${Head}${string}${PatternThread<AfterStar<Rest>>}`
  : P;

/** The thread ids a contract has schemas for, as a union of template literal types. */
export type ThreadOf<C extends Contract> = PatternThread<C['threads'][number]['pattern']>;

/** Which side of a schema: what it accepts (`input`) or what its validation gives (`output`). */
export type PayloadSide = 'input' | 'output';

/** A schema's input or output type. */
export type SchemaPayload<
  S extends ContractSchema,
  Side extends PayloadSide = 'input',
> = NonNullable<S['~standard']['types']>[Side];

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
 * sender passes and, since the server's validation does not rewrite messages, what arrives), or
 * its output type with `'output'`. `never` for a thread outside every glob. Where two globs'
 * types both hold `Thread` (`'a:*'` and `'a:*:b'` for `a:x:b`), the narrower glob's schema wins;
 * if neither is narrower, the union.
 */
export type PayloadOf<
  C extends Contract,
  Thread extends string,
  Side extends PayloadSide = 'input',
> = Thread extends unknown
  ? SchemaPayload<Narrowest<Matching<C['threads'][number], Thread>>['schema'], Side>
  : never;

/** The type of direct messages' `data` (input by default, see {@link PayloadOf}); `never` without a `direct` schema. */
export type DirectPayload<
  C extends Contract,
  Side extends PayloadSide = 'input',
> = C['direct'] extends ContractSchema ? SchemaPayload<C['direct'], Side> : never;
