import type { Codec, Counter, Logger, MetricsRegistry, OptionKeys, ServerFrame } from '@ws/core';
import { WsError, createJsonCodec, subprotocols, checkOptionKeys } from '@ws/core';

/** The stable code of the legacy protocol's deprecation warning (in the log fields as `code`). */
export const legacyWarningCode = 'WS_LEGACY_PROTOCOL';

/** Name of the counter of legacy connections, labelled by `client_version`. */
export const legacyMetricName = 'ws_legacy_connections_total';

/** Options of {@link createLegacyCodec}. */
export interface LegacyCodecOptions {
  /**
   * Deepest nesting accepted (of the whole legacy frame); checked before parsing.
   * @default 32
   */
  readonly maxDepth?: number;
  /**
   * Where the one deprecation warning of this connection goes.
   * @default no warning is logged
   */
  readonly logger?: Logger;
  /**
   * Registry of the `ws_legacy_connections_total{client_version}` counter.
   * @default no metric
   */
  readonly metrics?: MetricsRegistry;
  /**
   * The connection's client-version bucket (see `clientVersionBucket`); the metric's label.
   * @default 'other'
   */
  readonly clientVersion?: string;
  /**
   * Extra fields for the warning (never secrets).
   * @default {}
   */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** A legacy codec: one per connection, so its deprecation warning fires once per connection. */
export interface LegacyCodec extends Codec {
  /**
   * Logs the deprecation warning and counts the connection, the first time only; true then.
   * `decode` calls it too, so a codec used without `attach` still warns.
   */
  noteConnection(): boolean;
}

function legacyCounter(metrics: MetricsRegistry): Counter {
  return metrics.counter(legacyMetricName, {
    help: 'Connections that spoke the deprecated legacy.json protocol, by client-version bucket.',
    labelNames: ['client_version'],
  });
}

const createLegacyCodecOptionKeys = {
  maxDepth: true,
  logger: true,
  metrics: true,
  clientVersion: true,
  fields: true,
} as const satisfies OptionKeys<LegacyCodecOptions>;

/**
 * The `legacy.json` codec: `{"event":E,"data":D}` in, `{...D, "type":E}` to core (the event wins
 * over a `type` inside D; D absent or null gives `{"type":E}`; any other non-object D is
 * `bad_request`); out, `{"event":frame.type,"data":rest}`. Parsing is core's safe JSON parse
 * (depth limit before parsing, prototype keys dropped). All legacy codecs share the name
 * `legacy.json` and encode identically, so core encodes a send once for all of them.
 */
export function createLegacyCodec(options: LegacyCodecOptions = {}): LegacyCodec {
  checkOptionKeys<LegacyCodecOptions>(
    options,
    createLegacyCodecOptionKeys,
    'createLegacyCodec options',
  );
  const json = createJsonCodec({ maxDepth: options.maxDepth ?? 32, name: subprotocols.legacy });
  const clientVersion = options.clientVersion ?? 'other';
  let warned = false;
  const noteConnection = (): boolean => {
    if (warned) return false;
    warned = true;
    if (options.metrics !== undefined)
      legacyCounter(options.metrics).inc(1, { client_version: clientVersion });
    options.logger?.warn('legacy.json is deprecated: move this client to wsm.v1.json', {
      ...options.fields,
      code: legacyWarningCode,
      clientVersion,
    });
    return true;
  };
  return {
    name: subprotocols.legacy,
    binary: false,
    noteConnection,
    encode(frame: ServerFrame) {
      const { type, ...rest } = frame;
      return JSON.stringify({ event: type, data: rest });
    },
    decode(data) {
      noteConnection();
      const parsed = json.decode(data);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new WsError('bad_request', 'a legacy frame is an object {"event", "data"}');
      }
      const { event, data: payload } = parsed as { event?: unknown; data?: unknown };
      if (typeof event !== 'string' || event === '') {
        throw new WsError('bad_request', 'a legacy frame needs a string "event"');
      }
      if (payload === undefined || payload === null) return { type: event };
      if (typeof payload !== 'object' || Array.isArray(payload) || ArrayBuffer.isView(payload)) {
        throw new WsError('bad_request', 'legacy "data" must be an object');
      }
      return { ...(payload as Record<string, unknown>), type: event };
    },
  };
}
