import type { ConnectionId, MessageFrame, ServerFrame, ThreadId, UserId } from '@ws/core';
import { parseBinary, stringifyBinary } from './binaryJson.js';

/**
 * JSON text with every `|` written as `\u007c` (the same JSON: a `|` only ever occurs inside a
 * string). A message of the current format then holds no `|` at all, which is what makes the
 * 0.1 parser drop it (see {@link openEnvelope}). One native scan; the replace runs only when a
 * payload has a `|`.
 */
function noPipes(json: string): string {
  return json.includes('|') ? json.replaceAll('|', '\\u007c') : json;
}

/** JSON with binary data kept (typed arrays as base64), and no `|`. */
function stringify(value: unknown): string {
  return noPipes(stringifyBinary(value));
}

/** JSON with binary data kept: typed arrays travel as base64 and come back as `Uint8Array`. */
export function encodeFrame(frame: ServerFrame): string {
  return stringify(frame);
}

/** The inverse of {@link encodeFrame}. */
export function decodeFrame(json: string): ServerFrame {
  return parseBinary(json) as ServerFrame;
}

/** The kinds this version reads and writes, with the one version of each it writes. */
export const envelopeKinds = ['frame', 'evict', 'request', 'reply', 'presence'] as const;
export type EnvelopeKind = (typeof envelopeKinds)[number];
/** The version written for every kind (the 0.1 format is read as `frame` / `evict` version 0). */
export const ENVELOPE_VERSION = 1;

/** A request to another instance's control channel (see `control.ts`). */
export interface ControlRequest {
  readonly id: string;
  readonly op: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** A reply to a {@link ControlRequest}, on the requester's control channel. */
export interface ControlReply {
  readonly id: string;
  /** The operation's result (absent with `error`). */
  readonly result?: unknown;
  /** Set when the request was not served: `unknown_op` or `failed`. */
  readonly error?: string;
}

/** A channel message, opened. `ignored`: not one this version knows (counted, never delivered). */
export type Envelope =
  | {
      readonly kind: 'frame';
      readonly origin: string;
      /** The thread offset ('' for none). */
      readonly offset: string;
      readonly frame: ServerFrame;
    }
  | {
      readonly kind: 'evict';
      readonly origin: string;
      readonly connectionId: ConnectionId;
      readonly code: number;
    }
  | { readonly kind: 'request'; readonly origin: string; readonly request: ControlRequest }
  | { readonly kind: 'reply'; readonly origin: string; readonly reply: ControlReply }
  | {
      readonly kind: 'presence';
      readonly origin: string;
      readonly threadId: ThreadId;
      readonly joins: readonly UserId[];
      readonly leaves: readonly UserId[];
    }
  | { readonly kind: 'ignored'; readonly label: EnvelopeKind | 'other' };

/**
 * The current format, a JSON array with no `|` anywhere: `["frame",1,<origin>,<offset>,<frame>]`,
 * `["evict",1,<origin>,<connectionId>,<code>]`, `["request",1,<origin>,{id,op,args}]`,
 * `["reply",1,<origin>,{id,result | error}]`, `["presence",1,<origin>,<threadId>,[joins],[leaves]]`.
 */
export function envelope(origin: string, frame: ServerFrame): string {
  return frameEnvelope(origin, encodeFrame(frame));
}

/** {@link envelope} of a frame already encoded with {@link encodeFrame} (no offset). */
export function frameEnvelope(origin: string, frameJson: string): string {
  return `${threadEnvelopeHead(origin)}",${frameJson}]`;
}

/** A frame envelope up to its offset: a thread publish (Lua) appends `<offset>",<frame>]`. */
export function threadEnvelopeHead(origin: string): string {
  return `["frame",${ENVELOPE_VERSION},${noPipes(JSON.stringify(origin))},"`;
}

/** An eviction for the victim's instance. */
export function evictEnvelope(origin: string, connectionId: ConnectionId, code: number): string {
  return noPipes(JSON.stringify(['evict', ENVELOPE_VERSION, origin, connectionId, code]));
}

/** A request or a reply, for another instance's control channel. */
export function controlEnvelope(
  origin: string,
  message: { request: ControlRequest } | { reply: ControlReply },
): string {
  const [kind, body] =
    'request' in message ? ['request', message.request] : ['reply', message.reply];
  return stringify([kind, ENVELOPE_VERSION, origin, body]);
}

/** A presence diff, for the thread's channel. */
export function presenceEnvelope(
  origin: string,
  change: { threadId: string; joins: readonly string[]; leaves: readonly string[] },
): string {
  const { threadId, joins, leaves } = change;
  return noPipes(JSON.stringify(['presence', ENVELOPE_VERSION, origin, threadId, joins, leaves]));
}

/**
 * A presence envelope up to its lists, for a Lua script that appends `<joins>,<leaves>]` (JSON
 * arrays with every `|` escaped).
 */
export function presenceEnvelopeHead(origin: string, threadId: string): string {
  return noPipes(
    `["presence",${ENVELOPE_VERSION},${JSON.stringify(origin)},${JSON.stringify(threadId)},`,
  );
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

const IGNORED_OTHER: Envelope = Object.freeze({ kind: 'ignored', label: 'other' });

function ignored(kind: unknown): Envelope {
  return envelopeKinds.includes(kind as EnvelopeKind)
    ? { kind: 'ignored', label: kind as EnvelopeKind }
    : IGNORED_OTHER;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withOffset(frame: ServerFrame, offset: string): ServerFrame {
  return offset !== '' && frame.type === 'message'
    ? ({ ...frame, offset } satisfies MessageFrame)
    : frame;
}

/** Opens a message of the current format (a JSON array, checked field by field). */
function openCurrent(message: string): Envelope {
  const a = parseBinary(message);
  if (!Array.isArray(a)) return IGNORED_OTHER;
  const [kind, version, origin, x, y, z] = a as unknown[];
  if (version !== ENVELOPE_VERSION || typeof origin !== 'string') return ignored(kind);
  switch (kind) {
    case 'frame':
      if (typeof x !== 'string' || !isRecord(y) || typeof y['type'] !== 'string') break;
      return { kind, origin, offset: x, frame: withOffset(y as unknown as ServerFrame, x) };
    case 'evict':
      if (typeof x !== 'string' || typeof y !== 'number') break;
      return { kind, origin, connectionId: x as ConnectionId, code: y };
    case 'request':
      if (!isRecord(x) || typeof x['id'] !== 'string' || typeof x['op'] !== 'string') break;
      if (!isRecord(x['args'])) break;
      return { kind, origin, request: x as unknown as ControlRequest };
    case 'reply':
      if (!isRecord(x) || typeof x['id'] !== 'string') break;
      if (x['error'] !== undefined && typeof x['error'] !== 'string') break;
      return { kind, origin, reply: x as unknown as ControlReply };
    case 'presence':
      if (typeof x !== 'string' || !isStrings(y) || !isStrings(z)) break;
      return {
        kind,
        origin,
        threadId: x as ThreadId,
        joins: y as UserId[],
        leaves: z as UserId[],
      };
  }
  return ignored(kind);
}

/**
 * Opens the 0.1 format, `<origin>|<offset>|<JSON>`: on a data channel a frame (kind `frame`
 * version 0), on a control channel `<origin>||{"type":"evict",...}` (kind `evict` version 0).
 */
function openLegacy(message: string, control: boolean): Envelope {
  const a = message.indexOf('|');
  const b = a < 0 ? -1 : message.indexOf('|', a + 1);
  if (b < 0) return IGNORED_OTHER;
  const origin = message.slice(0, a);
  const offset = message.slice(a + 1, b);
  const body = parseBinary(message.slice(b + 1));
  if (!isRecord(body) || typeof body['type'] !== 'string') return IGNORED_OTHER;
  if (!control) return { kind: 'frame', origin, offset, frame: withOffset(body as never, offset) };
  const { connectionId, code } = body;
  if (body['type'] !== 'evict' || typeof connectionId !== 'string' || typeof code !== 'number')
    return IGNORED_OTHER;
  return { kind: 'evict', origin, connectionId: connectionId as ConnectionId, code };
}

/**
 * Opens a channel message, of the current format or of 0.1's. Never throws: what is not a
 * message of a known kind and version (garbage included) is `ignored`.
 */
export function openEnvelope(message: string, control = false): Envelope {
  try {
    return message.charCodeAt(0) === 0x5b /* [ */
      ? openCurrent(message)
      : openLegacy(message, control);
  } catch {
    return IGNORED_OTHER;
  }
}
