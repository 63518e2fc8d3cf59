const encoder = new TextEncoder();

/** A close reason cut to the 123 bytes of UTF-8 a close frame can carry, never mid-character. */
export function closeReason(reason: string | undefined): string {
  if (reason === undefined || reason === '') return '';
  if (reason.length <= 41) return reason; // 41 * 3 bytes <= 123
  let out = reason.slice(0, 123);
  while (encoder.encode(out).length > 123) out = out.slice(0, -1);
  // Never end on a lone high surrogate.
  const last = out.charCodeAt(out.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? out.slice(0, -1) : out;
}
