import { Buffer } from 'node:buffer';

/**
 * One complete, unmasked server-to-client WebSocket frame (RFC 6455 section 5.2: FIN set, no RSV
 * bits, opcode 1 text or 2 binary), header and payload in one buffer, so the same bytes can be
 * written to any number of sockets that negotiated no extension.
 */
export function frameMessage(data: string | Uint8Array): Buffer {
  // A string is encoded straight into the frame buffer (no intermediate Buffer and copy).
  const text = typeof data === 'string';
  const length = text ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLength + length);
  out[0] = 0x80 | (text ? 0x01 : 0x02);
  if (length < 126) {
    out[1] = length;
  } else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt16BE(0, 2);
    out.writeUIntBE(length, 4, 6);
  }
  if (text) out.write(data, headerLength, 'utf8');
  else out.set(data, headerLength);
  return out;
}
