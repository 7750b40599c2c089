/**
 * Unsigned LEB128 varints (the multiformats "unsigned-varint"), for frame lengths. Five
 * bytes hold 35 bits, far above any frame we accept; longer or non-minimal encodings are
 * refused.
 */
const MAX_BYTES = 5;

export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a length: ${n}`);
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Uint8Array.from(out);
}

export type VarintResult = { value: number; bytes: number } | 'incomplete' | 'invalid';

/** Decode the varint at the start of `buf`. */
export function decodeVarint(buf: Uint8Array): VarintResult {
  let value = 0;
  for (let i = 0; i < MAX_BYTES; i++) {
    if (i >= buf.length) return 'incomplete';
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) return 'invalid';
      return { value, bytes: i + 1 };
    }
  }
  return 'invalid';
}
