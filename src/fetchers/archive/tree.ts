import type { Dirent } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../../errors.js';
import type { InputTree } from '../types.js';
import { readZipDirectory, readZipEntry, ZIP_LIMITS, type ZipBudget, type ZipLimits } from './zip.js';

export { ZIP_LIMITS, type ZipLimits } from './zip.js';

/** Most entries listed from a folder; deeper files beyond it are not listed (see `openDir`). */
export const MAX_DIR_ENTRIES = 10_000;

/** Options for `openInput`; the defaults suit every real export. */
export interface OpenInputOptions {
  /** Uncompressed-size limits for zip entries and single files. */
  limits?: Partial<ZipLimits>;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An empty zip is only an end-of-central-directory record. */
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const BOM = '\uFEFF';

/**
 * The text of a file. JSON is UTF-8 (RFC 8259 §8.1), and a leading UTF-8 BOM is dropped; bytes
 * that are not UTF-8 become U+FFFD, so one bad byte inside a post's text costs that character,
 * not the file. A file that starts with a UTF-16 byte order mark (what Windows PowerShell's `>`
 * and Notepad's "Unicode" write) is decoded as UTF-16 instead of failing as garbled JSON.
 */
export function decodeText(data: Uint8Array): string {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** The longest string V8 makes, in UTF-16 units (2^29 - 24): a hair under the 512 MiB limit. */
const MAX_STRING_LENGTH = 0x1fffffe8;

function tooMuchText(path: string, what: string, bytes: number): InputError {
  const mib = Math.ceil(bytes / (1024 * 1024)).toLocaleString('en-US');
  return new InputError(path, `${what}is ${mib} MiB, more text than this tool can hold at once; check that you passed the right file`);
}

/**
 * `decodeText` for a file or entry the user named (`what` prefixes the problem, `entry "…" `):
 * bytes that cannot become one string (a 512 MiB entry is 24 bytes over what V8 can hold) are an
 * `InputError` that names it, not a crash.
 */
function decodeFor(path: string, what: string, data: Uint8Array): string {
  const utf16 = data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff));
  if ((utf16 ? data.length / 2 : data.length) > MAX_STRING_LENGTH) throw tooMuchText(path, what, data.length);
  try {
    return decodeText(data);
  } catch (cause) {
    if (cause instanceof RangeError || /string longer than/i.test(String((cause as Error)?.message))) {
      throw tooMuchText(path, what, data.length);
    }
    throw cause;
  }
}

function tooLarge(path: string, bytes: number, limit: number): InputError {
  const mib = (n: number) => `${Math.ceil(n / (1024 * 1024)).toLocaleString('en-US')} MiB`;
  return new InputError(
    path,
    `is ${mib(bytes)}, over the ${mib(limit)} this tool reads from one file; check that you passed the right file`,
  );
}

async function readHead(path: string, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Opens what the user passed to `--input`: a folder, a zip archive (recognised by its magic
 * bytes `PK\x03\x04`, never by its extension) or any other single file.
 *
 * Throws `InputError` when the path does not exist, is empty, is a gzip/tar archive, or is a zip
 * that cannot be read (truncated, split, ZIP64, damaged). Problems with single zip entries
 * (encryption, unknown compression, size limits) surface when that entry is read.
 */
export async function openInput(path: string, options: OpenInputOptions = {}): Promise<InputTree> {
  const limits: ZipLimits = { ...ZIP_LIMITS, ...options.limits };
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new InputError(path, 'no such file or folder; check the path', { cause });
  }
  if (info.isDirectory()) return openDir(path, limits);
  if (!info.isFile()) {
    throw new InputError(path, 'is not a file or folder; pass an archive, a folder or a JSON file');
  }
  if (info.size === 0) {
    throw new InputError(path, 'is empty (0 bytes); check that the download or export finished');
  }
  const head = await readHead(path, 4);
  if (head.equals(ZIP_MAGIC) || head.equals(EMPTY_ZIP_MAGIC)) return openZip(path, info.size, limits);
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) {
    throw new InputError(
      path,
      'is a gzip (.tar.gz) archive, which this tool does not unpack; extract it (tar -xzf) and pass the folder',
    );
  }
  return openFile(path, info.size, limits);
}

function openFile(path: string, size: number, limits: ZipLimits): InputTree {
  const name = basename(path);
  return {
    kind: 'file',
    path,
    entries: () => [name],
    async readText(entry) {
      if (entry !== name) throw new InputError(path, `has no entry "${entry}" (it is a single file)`);
      if (size > limits.maxEntryBytes) throw tooLarge(path, size, limits.maxEntryBytes);
      return decodeFor(path, '', await readFile(path));
    },
  };
}

/**
 * Lists a folder breadth first, so the data files of an unpacked export (`data/tweets.js`,
 * `outbox.json`) are listed before the thousands of media files deeper down; listing stops at
 * `MAX_DIR_ENTRIES`. Symbolic links are not followed (no cycles, nothing outside the folder).
 */
async function openDir(root: string, limits: ZipLimits): Promise<InputTree> {
  const names: string[] = [];
  let queue: string[] = [''];
  while (queue.length > 0 && names.length < MAX_DIR_ENTRIES) {
    const next: string[] = [];
    for (const rel of queue) {
      let dirents: Dirent[];
      try {
        dirents = await readdir(rel === '' ? root : join(root, ...rel.split('/')), { withFileTypes: true });
      } catch (cause) {
        throw new InputError(root, `cannot list ${rel === '' ? 'the folder' : `"${rel}"`}; check its permissions`, {
          cause,
        });
      }
      dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const d of dirents) {
        const name = rel === '' ? d.name : `${rel}/${d.name}`;
        if (d.isDirectory()) next.push(name);
        else if (d.isFile() && names.length < MAX_DIR_ENTRIES) names.push(name);
      }
    }
    queue = next;
  }
  if (names.length === 0) {
    throw new InputError(root, 'is an empty folder; pass the folder of an unpacked archive or a file');
  }
  const known = new Set(names);
  return {
    kind: 'dir',
    path: root,
    entries: () => names,
    async readText(entry) {
      if (!known.has(entry)) throw new InputError(root, `has no file "${entry}"`);
      const file = join(root, ...entry.split('/'));
      try {
        const { size } = await stat(file);
        if (size > limits.maxEntryBytes) throw tooLarge(file, size, limits.maxEntryBytes);
        return decodeFor(file, '', await readFile(file));
      } catch (cause) {
        if (cause instanceof InputError) throw cause;
        throw new InputError(file, 'cannot be read; check that it exists and its permissions', { cause });
      }
    },
  };
}

async function openZip(path: string, size: number, limits: ZipLimits): Promise<InputTree> {
  const entries = await readZipDirectory(path, size);
  if (entries.length === 0) {
    throw new InputError(path, 'is a zip archive with no files in it; download the archive again');
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const names = [...byName.keys()];
  const budget: ZipBudget = { usedBytes: 0 };
  return {
    kind: 'zip',
    path,
    entries: () => names,
    async readText(name) {
      const entry = byName.get(name);
      if (!entry) throw new InputError(path, `has no entry "${name}"`);
      // Refused before inflating when even its declared size cannot become one string.
      if (entry.uncompressedSize > MAX_STRING_LENGTH && entry.uncompressedSize <= limits.maxEntryBytes) {
        throw tooMuchText(path, `entry "${name}" `, entry.uncompressedSize);
      }
      return decodeFor(path, `entry "${name}" `, await readZipEntry(path, entry, limits, budget));
    },
  };
}
