/**
 * Measures the nesting depth of MessagePack bytes without decoding them, stopping as soon as
 * `limit` is exceeded: an iterative walk over the type bytes that never builds an object and
 * never recurses, so a hostile payload cannot exhaust the stack before the check. Malformed or
 * truncated input returns false (the decoder then refuses it as garbage).
 */
export function msgpackDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  try {
    return walk(bytes, limit);
  } catch (err) {
    // A length field past the end: truncated input, refused by the decoder.
    if (err instanceof RangeError) return false;
    throw err;
  }
}

function walk(bytes: Uint8Array, limit: number): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  // remaining[i]: items still to read in the i-th open container (a map counts keys and values).
  const remaining: number[] = [];
  let pos = 0;
  while (pos < end) {
    const b = bytes[pos] as number;
    pos++;
    let children = -1; // -1: a scalar; >= 0: a container with that many items
    let skip = 0;
    if (b <= 0x7f || b >= 0xe0) skip = 0;
    else if (b <= 0x8f) children = (b & 0x0f) * 2;
    else if (b <= 0x9f) children = b & 0x0f;
    else if (b <= 0xbf) skip = b & 0x1f;
    else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
        case 0xd9:
          skip = view.getUint8(pos) + 1;
          break;
        case 0xc5:
        case 0xda:
          skip = view.getUint16(pos) + 2;
          break;
        case 0xc6:
        case 0xdb:
          skip = view.getUint32(pos) + 4;
          break;
        case 0xc7:
          skip = view.getUint8(pos) + 2;
          break;
        case 0xc8:
          skip = view.getUint16(pos) + 3;
          break;
        case 0xc9:
          skip = view.getUint32(pos) + 5;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xd4:
          skip = 2;
          break;
        case 0xd5:
          skip = 3;
          break;
        case 0xd6:
          skip = 5;
          break;
        case 0xd7:
          skip = 9;
          break;
        case 0xd8:
          skip = 17;
          break;
        case 0xdc:
          children = view.getUint16(pos);
          skip = 2;
          break;
        case 0xdd:
          children = view.getUint32(pos);
          skip = 4;
          break;
        case 0xde:
          children = view.getUint16(pos) * 2;
          skip = 2;
          break;
        case 0xdf:
          children = view.getUint32(pos) * 2;
          skip = 4;
          break;
        default:
          return false; // 0xc1 is never used: garbage
      }
    }
    pos += skip;
    if (children >= 0) {
      if (remaining.length + 1 > limit) return true;
      if (children > 0) {
        remaining.push(children);
        continue;
      }
    }
    // One item completed: close every container it completes.
    while (remaining.length > 0) {
      const top = (remaining[remaining.length - 1] as number) - 1;
      if (top > 0) {
        remaining[remaining.length - 1] = top;
        break;
      }
      remaining.pop();
    }
    if (remaining.length === 0) return false;
  }
  return false;
}
