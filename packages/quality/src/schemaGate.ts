import type { Frame, OptionKeys, WireErrorCode } from '@ws/core';
import { WsError, checkOptionKeys, isWireErrorCode } from '@ws/core';
import type { Gate, GateInput, GateVerdict } from './gate.js';
import { pass } from './gate.js';
import { formatIssues } from './internal/formatIssues.js';
import { isPromiseLike } from './internal/isPromiseLike.js';
import type { StandardSchemaV1 } from '@ws/core';
import type { ThreadPattern } from './threadPattern.js';
import { compileThreadPattern } from './threadPattern.js';

/** A schema for the `data` of messages in the threads that match `pattern`. */
export interface ThreadSchema {
  readonly pattern: ThreadPattern;
  readonly schema: StandardSchemaV1;
}

/** Options of {@link schemaGate}. At least one of `frames` and `threads` is needed. */
export interface SchemaGateOptions {
  /**
   * The gate's name in metrics.
   * @default 'schema'
   */
  readonly name?: string;
  /**
   * Per frame type, a schema for the whole frame (`{ type, thread, data, id }`). Inbound frames
   * are client types (`publish`, `direct`, `join`...); outbound ones are server types (`message`).
   * @default {}
   */
  readonly frames?: Readonly<Partial<Record<Frame['type'], StandardSchemaV1>>>;
  /**
   * Schemas for the `data` of thread messages (inbound `publish`, outbound thread `message`), by
   * thread pattern; the first matching pattern applies.
   * @default []
   */
  readonly threads?: readonly ThreadSchema[];
  /**
   * A thread message whose thread matches no pattern: `pass`, or `reject` it.
   * @default 'pass'
   */
  readonly unmatchedThreads?: 'pass' | 'reject';
  /**
   * The error code of a refused frame (one of the wire protocol's codes).
   * @default 'invalid_message'
   */
  readonly code?: WireErrorCode;
  /**
   * Issues listed in the error message; the rest are counted as `(+N more)`.
   * @default 3
   */
  readonly maxIssues?: number;
  /**
   * Longest error message, in characters.
   * @default 200
   */
  readonly maxMessageLength?: number;
}

/** Defaults of {@link schemaGate}. */
export const schemaGateDefaults = {
  name: 'schema',
  unmatchedThreads: 'pass',
  code: 'invalid_message',
  maxIssues: 3,
  maxMessageLength: 200,
} as const;

function isSchema(value: unknown): value is StandardSchemaV1 {
  const std = (
    value as { '~standard'?: { version?: unknown; validate?: unknown } } | null | undefined
  )?.['~standard'];
  return (
    typeof std === 'object' &&
    std !== null &&
    std.version === 1 &&
    typeof std.validate === 'function'
  );
}

/** The known keys of `schemaGate`'s options; `frames` is keyed by frame type, so a misspelt type is refused too. */
const schemaGateOptionKeys = {
  name: true,
  frames: {
    join: true,
    leave: true,
    publish: true,
    direct: true,
    resume: true,
    refresh: true,
    presence: true,
    ping: true,
    pong: true,
    welcome: true,
    ack: true,
    error: true,
    message: true,
    resync: true,
    presence_diff: true,
    reconnect: true,
  },
  threads: true,
  unmatchedThreads: true,
  code: true,
  maxIssues: true,
  maxMessageLength: true,
} as const satisfies OptionKeys<SchemaGateOptions>;

const threadSchemaKeys = {
  pattern: true,
  schema: true,
} as const satisfies OptionKeys<ThreadSchema>;

/**
 * Validates frames with Standard Schema schemas (zod, valibot, arktype...): per frame type and
 * per thread pattern. Validation only: a schema's transforms and defaults are not applied to the
 * frame that passes on. Works in both directions. An unknown option key (a misspelt frame type
 * in `frames`, or a key of a `threads` entry, included) throws `WsError('invalid_options')`.
 */
export function schemaGate(options: SchemaGateOptions): Gate {
  checkOptionKeys<SchemaGateOptions>(options, schemaGateOptionKeys, 'schemaGate options');
  (options.threads ?? []).forEach((t, i) => {
    checkOptionKeys<ThreadSchema>(t, threadSchemaKeys, `schemaGate options.threads[${i}]`);
  });
  const frames = options.frames ?? {};
  for (const [type, schema] of Object.entries(frames)) {
    if (schema !== undefined && !isSchema(schema)) {
      throw new WsError('invalid_options', `schemaGate: frames.${type} is not a Standard Schema`);
    }
  }
  const threads = (options.threads ?? []).map((t, i) => {
    if (!isSchema(t.schema))
      throw new WsError(
        'invalid_options',
        `schemaGate: threads[${i}].schema is not a Standard Schema`,
      );
    return { matches: compileThreadPattern(t.pattern), schema: t.schema };
  });
  if (Object.keys(frames).length === 0 && threads.length === 0) {
    throw new WsError('invalid_options', 'schemaGate: give `frames` or `threads`');
  }
  const code = options.code ?? schemaGateDefaults.code;
  if (!isWireErrorCode(code))
    throw new WsError('invalid_options', `schemaGate: "${String(code)}" is not a wire error code`);
  const unmatched = options.unmatchedThreads ?? schemaGateDefaults.unmatchedThreads;
  const maxIssues = options.maxIssues ?? schemaGateDefaults.maxIssues;
  const maxLength = options.maxMessageLength ?? schemaGateDefaults.maxMessageLength;

  const verdictOf = (
    result: StandardSchemaV1.Result<unknown>,
    heading: string,
    pathPrefix: string,
  ): GateVerdict => {
    if (result.issues === undefined) return pass();
    return {
      verdict: 'reject',
      code,
      message: formatIssues(result.issues, { heading, pathPrefix, maxIssues, maxLength }),
    };
  };

  const checkThread = (frame: Frame): GateVerdict | Promise<GateVerdict> => {
    if (threads.length === 0 && unmatched === 'pass') return pass();
    if ((frame.type !== 'publish' && frame.type !== 'message') || typeof frame.thread !== 'string')
      return pass();
    const thread = frame.thread;
    const rule = threads.find((t) => t.matches(thread));
    if (rule === undefined) {
      return unmatched === 'pass'
        ? pass()
        : { verdict: 'reject', code, message: `no schema accepts messages in thread "${thread}"` };
    }
    const heading = `invalid data for thread "${thread}"`;
    const result = rule.schema['~standard'].validate(frame.data);
    return isPromiseLike(result)
      ? Promise.resolve(result).then((r) => verdictOf(r, heading, 'data'))
      : verdictOf(result, heading, 'data');
  };

  return {
    name: options.name ?? schemaGateDefaults.name,
    directions: ['inbound', 'outbound'],
    check(input: GateInput) {
      const frame: Frame = input.frame;
      const schema = frames[frame.type];
      if (schema === undefined) return checkThread(frame);
      const heading = `invalid ${frame.type} frame`;
      const result = schema['~standard'].validate(frame);
      if (isPromiseLike(result)) {
        return Promise.resolve(result).then((r) => {
          const v = verdictOf(r, heading, '');
          return v.verdict === 'pass' ? checkThread(frame) : v;
        });
      }
      const v = verdictOf(result, heading, '');
      return v.verdict === 'pass' ? checkThread(frame) : v;
    },
  };
}
