import { closeSync, openSync, readSync } from 'node:fs';

// Every file a command reads as text (a document, a pact, a body, standard input) is read through here,
// no further than a cap: a device or a pipe may never end (/dev/zero), and a file of gigabytes would fill
// the heap before anything could say it is too large.

/** The most bytes a command reads from one file: far above a real document's (a few MB) or pact's. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** A file larger than the cap: its message is the reason a person reads (`it is larger than 32 MiB`). */
export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`it is larger than ${maxBytes / 1024 / 1024} MiB`);
  }
}

/** One chunk from `fd`; a non-blocking standard input that has nothing yet is waited for, not an error. */
function readChunk(fd: number, chunk: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * The UTF-8 text of `file` (a path, or a descriptor such as 0 for standard input), read no further than
 * `maxBytes`: FileTooLargeError past it. File-system errors are thrown as they are (fs-error.ts words them).
 */
export function readTextFile(file: string | number, maxBytes: number = MAX_FILE_BYTES): string {
  const fd = typeof file === 'number' ? file : openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const read = readChunk(fd, chunk);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw new FileTooLargeError(maxBytes);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}
