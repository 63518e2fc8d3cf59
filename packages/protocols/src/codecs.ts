import type { Codec, Logger, MetricsRegistry, OptionKeys } from '@ws/core';
import { createJsonCodec, subprotocols, checkOptionKeys } from '@ws/core';
import { createLegacyCodec } from './legacyCodec.js';
import { createMsgpackCodec } from './msgpackCodec.js';
import type { Subprotocol } from './negotiate.js';

/** What {@link createCodec} needs to build a connection's codec. */
export interface CodecContext {
  /**
   * Deepest nesting accepted by the decoder.
   * @default 32
   */
  readonly maxDepth?: number;
  /**
   * Logger of the legacy codec's deprecation warning.
   * @default no warning
   */
  readonly logger?: Logger;
  /**
   * Registry of the legacy codec's metric.
   * @default no metric
   */
  readonly metrics?: MetricsRegistry;
  /**
   * Client-version bucket of the connection (legacy metric label).
   * @default 'other'
   */
  readonly clientVersion?: string;
  /**
   * Extra fields of the legacy warning (never secrets).
   * @default {}
   */
  readonly fields?: Readonly<Record<string, unknown>>;
}

const createCodecOptionKeys = {
  maxDepth: true,
  logger: true,
  metrics: true,
  clientVersion: true,
  fields: true,
} as const satisfies OptionKeys<CodecContext>;

/**
 * Creates a codec for a negotiated subprotocol; every call returns a new codec. The JSON and
 * MessagePack codecs keep no state, so one may serve any number of connections (`attach` makes
 * one of each per attach and shares it); the legacy codec warns and counts once per codec, so give
 * each connection its own (as `attach` does).
 */
export function createCodec(subprotocol: Subprotocol, ctx: CodecContext = {}): Codec {
  checkOptionKeys<CodecContext>(ctx, createCodecOptionKeys, 'createCodec options');
  const maxDepth = ctx.maxDepth ?? 32;
  switch (subprotocol) {
    case subprotocols.json:
      return createJsonCodec({ maxDepth });
    case subprotocols.msgpack:
      return createMsgpackCodec({ maxDepth });
    case subprotocols.legacy:
      return createLegacyCodec({
        maxDepth,
        ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
        ...(ctx.metrics === undefined ? {} : { metrics: ctx.metrics }),
        ...(ctx.clientVersion === undefined ? {} : { clientVersion: ctx.clientVersion }),
        ...(ctx.fields === undefined ? {} : { fields: ctx.fields }),
      });
  }
}
