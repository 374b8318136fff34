import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { decodeText, openInput } from './archive/tree.js';
import { readBlueskyFeed, looksLikeBlueskyFeed } from './bluesky/feed.js';
import { isMastodonArchive, looksLikeOutbox, readMastodonArchive, readMastodonOutbox } from './mastodon/archive.js';
import { looksLikeMastodonStatuses, readMastodonStatuses } from './mastodon/status.js';
import { fileLineBatches, fileLines, type FileLine } from './lines.js';
import { looksLikeNormalized, readNormalized, readNormalizedLines } from './normalized.js';
import type { InputSource, InputTree } from './types.js';
import { detectXArchive, readXArchive } from './x/archive.js';
import { looksLikeXv1, readXv1 } from './x/v1.js';
import { looksLikeXv2Page, readXv2 } from './x/v2.js';

/** What `--input` accepts, for messages. */
export const ACCEPTED_INPUTS =
  'an X account archive (.zip or folder with tweets.js), a Mastodon archive (.zip or folder with outbox.json), X API v1.1 or v2 JSON, a Bluesky getAuthorFeed response, or a social-audit posts file';

/** A document reader: does this sample look like mine, and read these documents. */
interface DocReader {
  matches(sample: unknown): boolean;
  read(docs: unknown[], path: string): InputSource | Promise<InputSource>;
}

/**
 * Readers of JSON documents, in the order they are tried. More specific shapes come first:
 * the tool's own file and envelopes (`feed`, `orderedItems`, `data`/`meta`) before bare arrays of posts.
 */
const DOC_READERS = [
  { matches: looksLikeNormalized, read: readNormalized },
  { matches: looksLikeOutbox, read: (docs, path) => readMastodonOutbox(docs[0], path) },
  { matches: looksLikeBlueskyFeed, read: readBlueskyFeed },
  { matches: looksLikeXv2Page, read: readXv2 },
  { matches: looksLikeMastodonStatuses, read: readMastodonStatuses },
  { matches: looksLikeXv1, read: readXv1 },
] satisfies DocReader[];

/**
 * Opens `--input`: the format is detected from the content, never from the file name
 * (a folder or zip holding an X or Mastodon archive, or one JSON / JSON Lines file).
 */
export async function openSource(path: string): Promise<InputSource> {
  const tree = await openInput(path);
  // A single file is an X archive's tweets.js when it starts with `window.YTD.`: its first bytes
  // tell, so a large posts file is not read whole just to look at its start.
  if (await detectXArchive(tree, tree.kind === 'file' ? await readHeadText(tree.path) : undefined)) {
    return readXArchive(tree);
  }
  if (isMastodonArchive(tree)) return readMastodonArchive(tree);
  if (tree.kind !== 'file') {
    const what = tree.kind === 'zip' ? 'a zip' : 'a folder';
    throw new InputError(
      path,
      `is ${what} without data/tweets.js or outbox.json, so it is not an X or Mastodon account archive; download the archive again, or pass the JSON file itself`,
    );
  }
  const name = tree.entries()[0];
  if (name === undefined) throw new InputError(path, 'could not be read; check the path');
  const streamed = await openPostsLines(tree.path);
  if (streamed !== null) return streamed;
  const docs = await parseDocuments(tree, name);
  const sample = firstSample(docs);
  if (sample === undefined) {
    throw new InputError(path, `holds no posts; expected ${ACCEPTED_INPUTS}`);
  }
  for (const reader of DOC_READERS) {
    if (reader.matches(sample) || (!isPlainArray(docs[0]) && reader.matches(docs[0]))) {
      return reader.read(docs, path);
    }
  }
  throw new InputError(path, `is JSON of a shape social-audit does not read; expected ${ACCEPTED_INPUTS}`);
}

/** The first 64 KiB of a file as text (a BOM dropped), for detection by its start. */
async function readHeadText(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (cause) {
    throw new InputError(path, 'cannot be read; check that it exists and its permissions', { cause });
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return decodeText(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

const HEAD_BYTES = 64 * 1024;

/**
 * A social-audit posts file in the JSON Lines spelling, streamed: when the first non-empty line
 * of the file is a complete JSON document and it is a posts header, the posts are read line by
 * line as they are iterated, so a file of a million posts never has its text in memory (only
 * the posts). Any other file gives null and is read whole by `parseDocuments`: the result is the
 * same as reading the whole text (a file whose first line is a complete JSON document is read as
 * JSON Lines there too), only the memory differs.
 */
async function openPostsLines(path: string): Promise<InputSource | null> {
  let header: FileLine | undefined;
  for await (const line of fileLines(path)) {
    if (line.text.trim() === '') continue;
    header = line;
    break;
  }
  if (header === undefined) return null;
  let first: unknown;
  try {
    first = JSON.parse(header.text);
  } catch {
    return null;
  }
  if (!looksLikeNormalized(first)) return null;
  const after = { start: header.end, firstNumber: header.number + 1 };
  async function* documents(): AsyncGenerator<unknown[]> {
    for await (const batch of fileLineBatches(path, after)) {
      const docs: unknown[] = [];
      for (let i = 0; i < batch.texts.length; i += 1) {
        const text = batch.texts[i] as string;
        if (text.trim() === '') continue;
        docs.push(parseLine(path, text, batch.firstNumber + i));
      }
      yield docs;
    }
  }
  const hasMoreLines = async (): Promise<boolean> => {
    for await (const line of fileLines(path, after)) if (line.text.trim() !== '') return true;
    return false;
  };
  return readNormalizedLines(first, documents(), path, hasMoreLines);
}

/** One line of a JSON Lines file, parsed; an `InputError` naming the line when it is not JSON. */
function parseLine(path: string, line: string, number: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw new InputError(
      path,
      `line ${number} is not valid JSON (${(err as Error).message}); a JSON Lines file needs one complete document per line`,
      { cause: err },
    );
  }
}

function isPlainArray(x: unknown): x is unknown[] {
  return Array.isArray(x);
}

/** The first element that is not an array, descending into arrays (an array of pages, of tweets...). */
function firstSample(docs: unknown[]): unknown {
  for (const doc of docs) {
    let cur: unknown = doc;
    while (Array.isArray(cur)) {
      if (cur.length === 0) break;
      cur = cur[0];
    }
    if (cur !== undefined && !Array.isArray(cur)) return cur;
  }
  return undefined;
}

/** Parses a file as one JSON document, or as JSON Lines (one document per non-empty line). */
export async function parseDocuments(tree: InputTree, name: string): Promise<unknown[]> {
  const path = tree.path;
  const text = await tree.readText(name);
  if (text.trim() === '') throw new InputError(path, 'is empty; export or download it again');
  try {
    return [JSON.parse(text)];
  } catch (whole) {
    const lines = text.split(/\r?\n/);
    const first = lines.findIndex((l) => l.trim() !== '');
    let firstDoc: unknown;
    try {
      firstDoc = JSON.parse(lines[first] ?? '');
    } catch {
      throw new InputError(
        path,
        `is not valid JSON (${(whole as Error).message}); if it was cut short, export or download it again`,
        { cause: whole },
      );
    }
    const docs: unknown[] = [firstDoc];
    for (let i = first + 1; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line.trim() === '') continue;
      docs.push(parseLine(path, line, i + 1));
    }
    return docs;
  }
}
