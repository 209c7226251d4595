/**
 * The few protobuf wire-format pieces the Temporal probes need to build a request and read a
 * reply by field number, without generated stubs (they would load the whole Temporal API).
 */

/** A length-delimited field (strings, bytes, nested messages). */
export function lengthField(field: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}

/** A varint field (enums, integers). */
export function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint(field << 3), varint(value)]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** One field as read: varints as numbers, length-delimited fields as their bytes. */
export interface WireField {
  readonly field: number;
  readonly value: number | Buffer;
}

/** The fields of one message in order; undefined when the bytes are not a message. */
export function readFields(message: Buffer): WireField[] | undefined {
  const fields: WireField[] = [];
  let at = 0;
  const next = (): number | undefined => {
    let result = 0;
    for (let shift = 1; at < message.length; shift *= 128) {
      const byte = message[at++]!;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
    }
    return undefined;
  };
  while (at < message.length) {
    const key = next();
    if (key === undefined) return undefined;
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      const value = next();
      if (value === undefined) return undefined;
      fields.push({ field, value });
    } else if (wireType === 2) {
      const length = next();
      if (length === undefined || at + length > message.length) return undefined;
      fields.push({ field, value: message.subarray(at, at + length) });
      at += length;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4; // fixed 64/32-bit values: skipped, none is needed here
    } else return undefined;
  }
  return at === message.length ? fields : undefined;
}
