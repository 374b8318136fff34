import { open } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { InputError } from '../../errors.js';

/**
 * A small read-only ZIP reader: just enough for the archives people download from X and
 * Mastodon (stored and deflate entries, one disk, under 4 GiB). Entries are read on demand with
 * positional reads, so a multi-gigabyte archive full of media costs only the entries asked for.
 * Nothing is ever written to disk.
 *
 * Format: PKWARE APPNOTE.TXT §4.3 (local header, central directory, end of central directory).
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

/** Limits on what may be inflated from one zip, in bytes of uncompressed data. */
export interface ZipLimits {
  /** Largest single entry that will be read (its declared uncompressed size). */
  maxEntryBytes: number;
  /** Most uncompressed bytes read from one archive over all `readText` calls. */
  maxTotalBytes: number;
}

/**
 * Default limits: 512 MiB per entry (a V8 string cannot hold much more) and 1 GiB in total, so a
 * zip bomb (a tiny file declaring or inflating to gigabytes) is refused instead of exhausting
 * memory. The limits apply to entries that are read, not to the media an archive also carries.
 */
export const ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
});

/** One file entry of the central directory. */
export interface ZipEntry {
  /** Name with `/` separators, as stored (after the zip-slip filter). */
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;

const METHOD_NAMES: Record<number, string> = {
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  99: 'AES encryption',
};

const UNZIP_HINT = "unzip it with your system's archive tool and pass the folder instead";
const MiB = 1024 * 1024;

function mib(bytes: number): string {
  return `${Math.ceil(bytes / MiB).toLocaleString('en-US')} MiB`;
}

/**
 * Normalizes a stored name and drops the unsafe ones: absolute paths, drive letters and any `..`
 * segment (zip-slip). Returns null for names to ignore, including directories.
 * @see https://security.snyk.io/research/zip-slip-vulnerability
 */
export function safeEntryName(raw: string): string | null {
  const name = raw.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.endsWith('/')) return null;
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return null;
  return segments.join('/');
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return bytesRead === length ? buf : buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Reads the central directory of the zip at `path` (`size` bytes long).
 * Throws `InputError` for a truncated, split, ZIP64 or otherwise unreadable archive.
 */
export async function readZipDirectory(path: string, size: number): Promise<ZipEntry[]> {
  const truncated = () =>
    new InputError(path, 'is not a complete zip archive (truncated download?); download it again');
  if (size < EOCD_SIZE) throw truncated();

  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = size - tailLength;
  const tail = await readAt(path, tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw truncated();

  const diskNumber = tail.readUInt16LE(eocd + 4);
  const centralDisk = tail.readUInt16LE(eocd + 6);
  const entryCount = tail.readUInt16LE(eocd + 10);
  const centralSize = tail.readUInt32LE(eocd + 12);
  const centralOffset = tail.readUInt32LE(eocd + 16);
  const hasZip64Locator = eocd >= 20 && tail.readUInt32LE(eocd - 20) === SIG_ZIP64_LOCATOR;
  if (
    hasZip64Locator ||
    entryCount === 0xffff ||
    centralSize === 0xffffffff ||
    centralOffset === 0xffffffff
  ) {
    throw zip64Error(path);
  }
  if (diskNumber !== 0 || centralDisk !== 0) {
    throw new InputError(path, `is one part of a split (multi-file) zip archive; ${UNZIP_HINT}`);
  }
  const eocdOffset = tailStart + eocd;
  if (centralOffset + centralSize > eocdOffset) throw truncated();

  const central = await readAt(path, centralOffset, centralSize);
  const corrupt = () => new InputError(path, 'has a damaged zip directory; download the archive again');
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < entryCount; i++) {
    if (p + CENTRAL_SIZE > central.length || central.readUInt32LE(p) !== SIG_CENTRAL) throw corrupt();
    const flags = central.readUInt16LE(p + 8);
    const nameLength = central.readUInt16LE(p + 28);
    const extraLength = central.readUInt16LE(p + 30);
    const commentLength = central.readUInt16LE(p + 32);
    const compressedSize = central.readUInt32LE(p + 20);
    const uncompressedSize = central.readUInt32LE(p + 24);
    const localHeaderOffset = central.readUInt32LE(p + 42);
    if (p + CENTRAL_SIZE + nameLength > central.length) throw corrupt();
    if (
      compressedSize === 0xffffffff ||
      uncompressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      throw zip64Error(path);
    }
    // Entry data lies before the central directory; anything else is a damaged or hostile
    // header (and would make us allocate a buffer of its claimed size).
    if (localHeaderOffset + LOCAL_SIZE + compressedSize > centralOffset) throw corrupt();
    const rawName = central.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength);
    // Names without the UTF-8 flag (bit 11) are officially CP437, but macOS and most modern
    // tools write UTF-8 without setting it; archive data files have ASCII names either way.
    const name = safeEntryName(new TextDecoder('utf-8').decode(rawName));
    if (name !== null) {
      entries.push({
        name,
        method: central.readUInt16LE(p + 10),
        flags,
        crc32: central.readUInt32LE(p + 16),
        compressedSize,
        uncompressedSize,
        localHeaderOffset,
      });
    }
    p += CENTRAL_SIZE + nameLength + extraLength + commentLength;
  }
  return entries;
}

function zip64Error(path: string): InputError {
  return new InputError(
    path,
    `is a ZIP64 archive (over 4 GiB or 65,535 files), which this tool does not read; ${UNZIP_HINT}`,
  );
}

/** Running total of uncompressed bytes read from one archive, shared by its `readText` calls. */
export interface ZipBudget {
  usedBytes: number;
}

/**
 * Reads and inflates one entry, checking the method, encryption, the limits and the CRC-32.
 * `budget` accumulates across calls so the total limit holds for the whole archive.
 */
export async function readZipEntry(
  path: string,
  entry: ZipEntry,
  limits: ZipLimits,
  budget: ZipBudget,
): Promise<Buffer> {
  const fail = (problem: string) => new InputError(path, `entry "${entry.name}" ${problem}`);
  if (entry.flags & FLAG_ENCRYPTED) {
    throw fail(`is encrypted; ${UNZIP_HINT}`);
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    const method = METHOD_NAMES[entry.method] ?? `method ${entry.method}`;
    throw fail(`uses ${method} compression, which this tool does not read; ${UNZIP_HINT}`);
  }
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw fail(
      `is ${mib(entry.uncompressedSize)} uncompressed, over the ${mib(limits.maxEntryBytes)} limit for one file; ` +
        'this is not an archive export (or it is a zip bomb); check that you passed the right file',
    );
  }
  if (budget.usedBytes + entry.uncompressedSize > limits.maxTotalBytes) {
    throw fail(
      `would take the data read from this zip over the ${mib(limits.maxTotalBytes)} limit; ` +
        'check that you passed the right file',
    );
  }

  const local = await readAt(path, entry.localHeaderOffset, LOCAL_SIZE);
  if (local.length < LOCAL_SIZE || local.readUInt32LE(0) !== SIG_LOCAL) {
    throw fail('is damaged (no local header); download the archive again');
  }
  const dataOffset = entry.localHeaderOffset + LOCAL_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28);
  const compressed = await readAt(path, dataOffset, entry.compressedSize);
  if (compressed.length < entry.compressedSize) {
    throw fail('is cut short (truncated download?); download the archive again');
  }

  let data: Buffer;
  if (entry.method === METHOD_STORED) {
    data = compressed;
  } else {
    try {
      // maxOutputLength stops inflation at the declared size, so an entry that lies about its
      // size cannot expand past it.
      data = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (cause) {
      throw new InputError(
        path,
        `entry "${entry.name}" cannot be decompressed (the archive is damaged); download it again`,
        { cause },
      );
    }
  }
  if (data.length !== entry.uncompressedSize || crc32(data) >>> 0 !== entry.crc32 >>> 0) {
    throw fail('is damaged (size or checksum mismatch); download the archive again');
  }
  budget.usedBytes += data.length;
  return data;
}
