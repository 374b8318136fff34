import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a test zip; the overrides let a test write a broken or hostile archive. */
export interface TestZipEntry {
  name: string;
  data: string | Buffer;
  /** 0 = stored, 8 = deflate (default); any other number is written as is. */
  method?: number;
  /** General-purpose flags (bit 0 = encrypted). */
  flags?: number;
  /** Uncompressed size to declare instead of the real one (a zip bomb, a lying header). */
  declaredSize?: number;
  /** CRC-32 to declare instead of the real one. */
  crc?: number;
  /**
   * The entry's body already deflated (a zip bomb built by hand), written as it is with method 8;
   * give `crc` and `declaredSize` for what it inflates to (`data` is then not used).
   */
  deflated?: Buffer;
}

export interface TestZipOptions {
  /** Put a ZIP64 end-of-central-directory locator before the end record. */
  zip64Locator?: boolean;
  /** Archive comment (tests the end-record search). */
  comment?: string;
}

/**
 * Writes a zip (PKWARE APPNOTE §4.3) in memory: local headers, central directory, end record.
 * Unlike the tool's writer it can lie in every header field, for the reader's failure tests.
 */
export function buildZip(entries: readonly TestZipEntry[], options: TestZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const method = entry.method ?? 8;
    const body = entry.deflated ?? (method === 8 ? deflateRawSync(raw) : raw);
    const name = Buffer.from(entry.name, 'utf8');
    const crc = entry.crc ?? crc32(raw);
    const size = entry.declaredSize ?? raw.length;
    const flags = (entry.flags ?? 0) | 0x0800;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);

    parts.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralDir = Buffer.concat(centrals);
  const locator = Buffer.alloc(options.zip64Locator ? 20 : 0);
  if (options.zip64Locator) locator.writeUInt32LE(0x07064b50, 0);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...parts, centralDir, locator, end, comment]);
}

/** A temporary folder for one test file; `cleanup()` removes it. */
export function tempDir(prefix = 'social-audit-'): { dir: string; file(name: string, data: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
