import type { MessageFrame, ServerFrame } from '@ws/core';

const BIN = '\u0000bin';

/** JSON with binary data kept: typed arrays travel as base64 and come back as `Uint8Array`. */
export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return { [BIN]: Buffer.from(bytes).toString('base64') };
    }
    return value;
  });
}

/** The inverse of {@link encodeFrame}. */
export function decodeFrame(json: string): ServerFrame {
  return JSON.parse(json, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const b = (value as Record<string, unknown>)[BIN];
      if (typeof b === 'string' && Object.keys(value).length === 1)
        return new Uint8Array(Buffer.from(b, 'base64'));
    }
    return value;
  }) as ServerFrame;
}

/** A publication as it travels on a channel: `<origin>|<offset>|<frame JSON>` (offset may be ''). */
export interface Envelope {
  readonly origin: string;
  readonly offset: string;
  readonly frame: ServerFrame;
}

/** Builds a channel message. */
export function envelope(origin: string, frame: ServerFrame): string {
  return `${origin}||${encodeFrame(frame)}`;
}

/** Parses a channel message; undefined when it is not one of ours. */
export function openEnvelope(message: string): Envelope | undefined {
  const a = message.indexOf('|');
  const b = a < 0 ? -1 : message.indexOf('|', a + 1);
  if (b < 0) return undefined;
  const offset = message.slice(a + 1, b);
  let frame = decodeFrame(message.slice(b + 1));
  if (offset !== '' && frame.type === 'message')
    frame = { ...frame, offset } satisfies MessageFrame;
  return { origin: message.slice(0, a), offset, frame };
}
