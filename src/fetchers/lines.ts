import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';
import { ZIP_LIMITS } from './archive/zip.js';

/**
 * Reading a file line by line, lazily, without ever holding its whole text: how a JSON Lines
 * posts file of a million posts is read (the posts are kept; the raw text of each line is dropped
 * once it is parsed).
 *
 * Lines are split on the byte `\n` (a `\r` before it is dropped), as `text.split(/\r?\n/)` splits
 * the decoded text: UTF-8 never uses the byte 0x0A inside a multi-byte sequence, so splitting the
 * bytes first and decoding each line gives the same strings, with the same U+FFFD for invalid
 * bytes. A UTF-8 BOM at the start of the file is dropped, as `readText` drops it.
 */

/** One line of a file. */
export interface FileLine {
  /** The line's text, without its `\n` or `\r\n`. */
  text: string;
  /** 1-based line number in the file. */
  number: number;
  /** Byte offset just past the line's end (its `\n`), where the next line starts. */
  end: number;
}

/**
 * The longest line read: the per-file limit of `--input` (a single line is at most what a whole
 * file may be), and below the longest string V8 can make (2^29 - 24 UTF-16 units).
 */
export const MAX_LINE_BYTES = Math.min(ZIP_LIMITS.maxEntryBytes, 0x1fffffe8 - 1);

const CHUNK_BYTES = 1 << 20;
const NL = 0x0a;
const CR = 0x0d;

function decodeLine(bytes: Buffer, start: number, end: number): string {
  const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
  return bytes.toString('utf8', start, stop);
}

function tooLong(path: string, number: number, maxBytes: number): InputError {
  const mib = Math.ceil(maxBytes / (1024 * 1024)).toLocaleString('en-US');
  return new InputError(path, `line ${number} is longer than ${mib} MiB, more than this tool reads as one document; check that you passed the right file`);
}

/**
 * The lines of the file at `path`, from byte `start` (which must be a line's start; `firstNumber`
 * is that line's number), read in 1 MiB chunks. The file is closed when the iteration ends,
 * also early (`break`, an error). A line longer than `maxLineBytes` is an `InputError`.
 */
export async function* fileLines(
  path: string,
  opts: { start?: number; firstNumber?: number; maxLineBytes?: number } = {},
): AsyncGenerator<FileLine> {
  for await (const batch of fileLineBatches(path, opts)) {
    for (let i = 0; i < batch.texts.length; i += 1) {
      yield { text: batch.texts[i] as string, number: batch.firstNumber + i, end: batch.ends[i] as number };
    }
  }
}

/** The lines of one chunk of a file: their texts, the number of the first, and where each ends. */
export interface LineBatch {
  texts: string[];
  firstNumber: number;
  /** Byte offset just past each line's end. */
  ends: number[];
}

/**
 * `fileLines` a chunk at a time: the lines that end in each 1 MiB read, as one batch. A million
 * lines cost a few hundred promises instead of a million.
 */
export async function* fileLineBatches(
  path: string,
  opts: { start?: number; firstNumber?: number; maxLineBytes?: number } = {},
): AsyncGenerator<LineBatch> {
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  let offset = opts.start ?? 0;
  let number = opts.firstNumber ?? 1;
  /** Pieces of a line that spans chunks, and their total length. */
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let first = offset === 0;
  const stream = createReadStream(path, { start: offset, highWaterMark: CHUNK_BYTES });
  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      let chunk = data;
      if (first) {
        first = false;
        // A BOM is dropped from the text but still counts in the byte offsets.
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          chunk = chunk.subarray(3);
          offset += 3;
        }
      }
      const batch: LineBatch = { texts: [], firstNumber: number, ends: [] };
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(NL, pos);
        if (nl === -1) break;
        let text: string;
        if (pendingBytes > 0) {
          if (pendingBytes + nl - pos > maxLineBytes) throw tooLong(path, number, maxLineBytes);
          pending.push(chunk.subarray(pos, nl));
          const line = Buffer.concat(pending, pendingBytes + nl - pos);
          text = decodeLine(line, 0, line.length);
          pending = [];
          pendingBytes = 0;
        } else {
          if (nl - pos > maxLineBytes) throw tooLong(path, number, maxLineBytes);
          text = decodeLine(chunk, pos, nl);
        }
        offset += nl - pos + 1;
        batch.texts.push(text);
        batch.ends.push(offset);
        number += 1;
        pos = nl + 1;
      }
      if (pos < chunk.length) {
        const rest = chunk.length - pos;
        if (pendingBytes + rest > maxLineBytes) throw tooLong(path, number, maxLineBytes);
        // Copied: a subarray would keep the whole 1 MiB chunk alive while the line goes on.
        pending.push(Buffer.from(chunk.subarray(pos)));
        pendingBytes += rest;
        offset += rest;
      }
      if (batch.texts.length > 0) yield batch;
    }
    if (pendingBytes > 0) {
      const line = Buffer.concat(pending, pendingBytes);
      yield { texts: [decodeLine(line, 0, line.length)], firstNumber: number, ends: [offset] };
    }
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw new InputError(path, 'cannot be read; check that it exists and its permissions', { cause });
  } finally {
    stream.destroy();
  }
}
