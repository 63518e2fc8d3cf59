import type {
  Contract,
  ContractCheck,
  ContractSchemas,
  ContractThread,
  ContractThreadsOf,
} from './contractTypes.js';
import { WsError, isWsError } from './errors.js';
import { unmatched, verdict } from './internal/contractCheck.js';
import { isPromise } from './internal/maybePromise.js';
import type { OptionKeys } from './optionKeys.js';
import { checkOptionKeys } from './optionKeys.js';
import type { StandardSchemaV1 } from './standardSchema.js';
import type { ThreadGlob } from './threadGlob.js';
import { threadGlob } from './threadGlob.js';
import { threadGlobOverlap } from './threadGlobOverlap.js';

/** What {@link defineContract} takes. At least one glob in `threads`, or `direct`, is needed. */
export interface ContractOptions<
  T extends ContractSchemas = ContractSchemas,
  D extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  /**
   * Per thread glob (`'chat:*'`, `'ops:**'`, `'lobby'`; see `threadGlob`), the schema of the
   * `data` of messages in the threads it matches. No two globs may match a common thread id.
   * A thread no glob matches is outside the contract.
   * @default {}
   */
  readonly threads?: T;
  /**
   * The schema of the `data` of direct messages (no thread). Without it, direct messages are
   * outside the contract.
   * @default undefined
   */
  readonly direct?: D;
}

const contractOptionKeys = {
  threads: true,
  direct: true,
} as const satisfies OptionKeys<ContractOptions>;

function isSchema(value: unknown): value is StandardSchemaV1 {
  const std = (value as { '~standard'?: { version?: unknown; validate?: unknown } } | null)?.[
    '~standard'
  ];
  return (
    typeof std === 'object' &&
    std !== null &&
    std.version === 1 &&
    typeof std.validate === 'function'
  );
}

function refuse(message: string): never {
  throw new WsError('invalid_options', `defineContract: ${message}`);
}

function compile(pattern: string): ThreadGlob {
  try {
    return threadGlob(pattern);
  } catch (err) {
    if (isWsError(err)) refuse(err.message);
    throw err;
  }
}

interface Rule {
  readonly glob: ThreadGlob;
  readonly schema: StandardSchemaV1;
}

/** Compiles `threads`, refusing a bad glob, a value that is not a schema, and overlaps. */
function compileThreads(threads: unknown): Rule[] {
  if (threads === undefined) return [];
  if (typeof threads !== 'object' || threads === null || Array.isArray(threads)) {
    refuse('`threads` is an object of thread globs to schemas');
  }
  const rules: Rule[] = [];
  for (const [pattern, schema] of Object.entries(threads)) {
    const glob = compile(pattern);
    if (!isSchema(schema)) refuse(`threads[${JSON.stringify(pattern)}] is not a Standard Schema`);
    for (const earlier of rules) {
      const both = threadGlobOverlap(earlier.glob.pattern, pattern);
      if (both !== undefined) {
        refuse(
          `thread patterns ${JSON.stringify(earlier.glob.pattern)} and ${JSON.stringify(pattern)} ` +
            `overlap (both match ${JSON.stringify(both)}); give each thread one schema`,
        );
      }
    }
    rules.push({ glob, schema });
  }
  return rules;
}

/**
 * Defines a contract: the Standard Schema (zod, valibot, arktype...) of the `data` of messages
 * per thread glob, and of direct messages. Types and a small frozen descriptor, no schema library:
 * `ThreadOf<typeof contract>` is the union of the globs' template literal types,
 * `PayloadOf<typeof contract, Thread>` a thread's data type. Throws `WsError('invalid_options')`
 * for an unknown key, a bad glob, a value that is not a Standard Schema, two globs that match a
 * common thread id (naming both and that id), and a contract with neither threads nor `direct`.
 */
export function defineContract<
  T extends ContractSchemas = Record<never, never>,
  D extends StandardSchemaV1 | undefined = undefined,
>(options: ContractOptions<T, D>): Contract<ContractThreadsOf<T>, D> {
  checkOptionKeys<ContractOptions>(options, contractOptionKeys, 'defineContract options');
  if (options === undefined) refuse('give `threads` or `direct`');
  const rules = compileThreads(options.threads);
  const direct = options.direct;
  if (direct !== undefined && !isSchema(direct)) refuse('`direct` is not a Standard Schema');
  if (rules.length === 0 && direct === undefined) refuse('give `threads` or `direct`');

  const schemaFor = (thread: string): StandardSchemaV1 | undefined => {
    for (const rule of rules) if (rule.glob.matches(thread)) return rule.schema;
    return undefined;
  };
  const check = (
    thread: string | undefined,
    data: unknown,
  ): ContractCheck | Promise<ContractCheck> => {
    const schema = thread === undefined ? direct : schemaFor(thread);
    if (schema === undefined) return unmatched(thread);
    const result = schema['~standard'].validate(data);
    return isPromise(result) ? result.then((r) => verdict(r, thread)) : verdict(result, thread);
  };
  const threads = rules.map((r): ContractThread =>
    Object.freeze({ pattern: r.glob.pattern, schema: r.schema }),
  ) as unknown as ContractThreadsOf<T>[];
  return Object.freeze({
    threads: Object.freeze(threads),
    direct: direct as D,
    schemaFor,
    check,
  });
}
