import type { Codec, UserId } from '@ws/core';
import { subprotocols, toWsError } from '@ws/core';
import type { WebSocket } from 'ws';
import { clientVersionBucket } from '../clientVersion.js';
import { createCodec } from '../codecs.js';
import type { LegacyCodec } from '../legacyCodec.js';
import type { AuthResult } from './attachOptions.js';
import type { AcceptedHandshake, UpgradeRequest } from './checkHandshake.js';
import type { ConnectionListeners } from './connectionListeners.js';
import type { Endpoint } from './endpoint.js';

/** An upgraded connection to hand to the manager. */
export interface AcceptOptions {
  /** The upgraded socket. */
  readonly ws: WebSocket;
  readonly request: UpgradeRequest;
  readonly listeners: ConnectionListeners;
  readonly handshake: AcceptedHandshake;
  /** The answer of `authenticate`. */
  readonly auth: AuthResult;
}

/**
 * The codec of a connection. JSON and MessagePack codecs are stateless: one of each per attach.
 * Only the legacy codec keeps per-connection state (its one warning), so it is made per
 * connection.
 */
function codecOf(endpoint: Endpoint, accepted: AcceptOptions): Codec {
  const { config, manager } = endpoint;
  const { subprotocol, clientVersion } = accepted.handshake;
  if (subprotocol === subprotocols.json) return config.sharedCodecs.json;
  if (subprotocol === subprotocols.msgpack) return config.sharedCodecs.msgpack;
  return createCodec(subprotocol, {
    maxDepth: config.maxDepth,
    logger: config.logger,
    metrics: manager.metrics,
    clientVersion: clientVersionBucket(clientVersion, config.legacyClientVersions),
    fields: { path: config.path, ip: accepted.request.ip },
  });
}

/**
 * Counts an upgraded connection, wraps it with the attach's adapter and its codec, and hands it
 * to `manager.connectUser` (the negotiated subprotocol and the IP in its context, `?resume=` as
 * the resume token). A refusal by the manager is logged (debug): core has closed the socket.
 */
export function acceptConnection(endpoint: Endpoint, accepted: AcceptOptions): void {
  const { manager, config } = endpoint;
  const { ws, listeners, auth } = accepted;
  const { subprotocol, resumeToken } = accepted.handshake;
  const { ip, url } = accepted.request;
  endpoint.counts.track(ws, ip, listeners.released);
  const codec = codecOf(endpoint, accepted);
  const socket = config.adapter.wrap(ws, {
    textOnly: !codec.binary,
    protocol: subprotocol,
    onError: listeners.wsError,
  });
  const logger = config.logger;
  manager
    .connectUser(auth.userId as UserId, socket, {
      codec,
      context: { ...auth.context, remoteAddress: ip, subprotocol },
      ...(auth.expiresAt === undefined ? {} : { expiresAt: auth.expiresAt }),
      ...(config.refresh === undefined ? {} : { refresh: config.refresh }),
      ...(resumeToken === undefined ? {} : { resumeToken }),
    })
    .then(
      () => {
        if (subprotocol === 'legacy.json') (codec as LegacyCodec).noteConnection();
      },
      (err: unknown) => {
        const e = toWsError(err);
        logger.debug('connection refused by the manager', {
          code: e.code,
          reason: e.message,
          url,
          ip,
        });
      },
    );
}
