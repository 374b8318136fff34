import { InputError } from '../errors.js';
import { openInput } from './archive/tree.js';
import { readBlueskyFeed, looksLikeBlueskyFeed } from './bluesky/feed.js';
import { isMastodonArchive, looksLikeOutbox, readMastodonArchive, readMastodonOutbox } from './mastodon/archive.js';
import { looksLikeMastodonStatuses, readMastodonStatuses } from './mastodon/status.js';
import { looksLikeNormalized, readNormalized } from './normalized.js';
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
  if (await detectXArchive(tree)) return readXArchive(tree);
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
      try {
        docs.push(JSON.parse(line));
      } catch (err) {
        throw new InputError(
          path,
          `line ${i + 1} is not valid JSON (${(err as Error).message}); a JSON Lines file needs one complete document per line`,
          { cause: err },
        );
      }
    }
    return docs;
  }
}
