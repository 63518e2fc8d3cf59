import { ClientError } from '../errors.js';
import type { MessageFrame, ServerFrame } from '../frames.js';
import { toServerFrame } from '../frames.js';
import type { ConnectionState } from './connectionState.js';
import { welcomed } from './connection.js';
import { writeFrame } from './link.js';
import type { PresenceTable } from './presence.js';
import type { Subscriptions } from './subscriptions.js';

/** What an inbound frame may reach. */
export interface Inbound {
  readonly connection: ConnectionState;
  readonly subscriptions: Subscriptions;
  readonly presence: PresenceTable;
}

function toBytes(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('unsupported message data (set binaryType to arraybuffer)');
}

function onFrame(inbound: Inbound, frame: ServerFrame): void {
  const c = inbound.connection;
  const { requests, threads, report } = c.o;
  switch (frame.type) {
    case 'welcome':
      welcomed(c, frame);
      return;
    case 'ack':
    case 'error':
      if (!requests.settle(frame) && frame.type === 'error')
        report(new ClientError(frame.code, frame.message));
      return;
    case 'message':
      if (frame.thread === undefined) inbound.subscriptions.deliver(frame);
      else threads.message(frame as MessageFrame & { thread: string });
      return;
    case 'resync':
      threads.resync(frame.thread);
      return;
    case 'presence_diff':
      inbound.presence.diff(frame);
      return;
    case 'reconnect':
      c.hint = frame;
      return;
    case 'ping':
      try {
        writeFrame(c.o.link, { type: 'pong' });
      } catch (err) {
        report(err as ClientError);
      }
      return;
    case 'pong':
      return;
  }
}

/** One message of the current socket: decoded, checked, then routed by its type. */
export function receive(inbound: Inbound, data: unknown): void {
  let frame: ServerFrame | undefined;
  try {
    frame = toServerFrame(inbound.connection.o.options.codec.decode(toBytes(data)));
  } catch (err) {
    inbound.connection.o.report(
      new ClientError('codec_error', `undecodable frame ignored: ${String(err)}`, { cause: err }),
    );
    return;
  }
  if (frame === undefined) {
    inbound.connection.o.report(
      new ClientError('codec_error', 'unknown or malformed frame ignored'),
    );
    return;
  }
  onFrame(inbound, frame);
}
