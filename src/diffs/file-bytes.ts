/** Reading a file the user's pull request or workflow chose: bounded, and in UTF-8 only. */
import type { FileHandle } from 'node:fs/promises';

export const MIB = 1024 * 1024;

/** Up to `limit` + 1 bytes: one past the limit tells the file is over it, whatever fstat said. */
export async function readAtMost(handle: FileHandle, size: number, limit: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(size, limit) + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
    if (length > limit) return buffer;
    if (length === buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(length * 2, limit + 1));
      buffer.copy(grown);
      buffer = grown;
    }
  }
}

/** Byte-order marks of the encodings people save text in by mistake; UTF-32 LE before UTF-16 LE. */
const FOREIGN_BOMS: Array<[bytes: number[], encoding: string]> = [
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32 (big-endian)'],
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32 (little-endian)'],
  [[0xfe, 0xff], 'UTF-16 (big-endian)'],
  [[0xff, 0xfe], 'UTF-16 (little-endian)']
];

/** The encoding a UTF-16 or UTF-32 byte-order mark at the start of `bytes` names. */
export function foreignEncoding(bytes: Buffer): string | undefined {
  return FOREIGN_BOMS.find(([bom]) => bom.every((byte, i) => bytes[i] === byte))?.[1];
}
