import type { Evidence, Report } from '../schema/report.js';
import type { MetricMeta } from './metric.js';
import { ASCII_ONLY, normalizeText } from './self-promotion.js';
import type { AuditItem, PostSet } from './types.js';

/** `metrics.cannedReplies` (metrics.md §10); it has no score. */
export type CannedRepliesMeasurement = Report['metrics']['cannedReplies'];
/** One template as cited in the report. */
export type CannedTemplate = CannedRepliesMeasurement['templates'][number];

export const meta = {
  id: 'cannedReplies',
  title: 'Canned replies',
  description:
    'The share of replies to other people that are near-copies of another reply in the window: the same template sent again with only names, links or numbers changed.',
  unit: 'share',
} as const satisfies MetricMeta<'cannedReplies'>;

/** metrics.md §10: near-duplicates when the Jaccard similarity is at least 0.8, kept as the exact fraction 4/5. */
const SIMILAR_NUM = 4;
const SIMILAR_DEN = 5;
/** metrics.md §10: word 3-grams, or word 1-grams for texts under this many words. */
const GRAM = 3;
/** The report schema: up to 5 templates, most used first. */
export const TEMPLATE_LIMIT = 5;
/** Evidence replies cited per template (newest first). */
export const TEMPLATE_EVIDENCE_LIMIT = 3;

/**
 * Links: anything from `http(s)://` or `www.` to the next space, and a bare `host.tld/path` (how
 * Bluesky and truncated link cards show a link, without a scheme). A bare `host.tld` with no
 * path stays as words: it cannot tell one sending of a template from another.
 */
const LINK = /(?:https?:\/\/|www\.)\S+|(?<![\p{L}\p{N}@._-])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\/\S*/giu;
/**
 * Mentions: `@name` (X), `@name@server.tld` (Mastodon), `@name.bsky.social` (Bluesky), not
 * preceded by a letter or digit (an e-mail address is not a mention).
 */
const MENTION = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+)?/gu;
/** A word: letters, combining marks and digits, with inner apostrophes (`we're`, `aujourd'hui`). */
const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;
/** A word holding a digit is a number: `12`, `1,500` (two words), `9am`, `2nd`, a case id `A1234`. */
const HAS_DIGIT = /\p{N}/u;
/*
 * The same four patterns for ASCII-only text, where they match exactly the same. Every LINK match
 * holds a `/` (`://`, or the path of a bare `host.tld/path`; `www.` alone is followed by `\S+`,
 * which may not hold one, so `www.` is checked apart) and every MENTION match an `@`.
 */
const LINK_ASCII = /(?:https?:\/\/|www\.)\S+|(?<![A-Za-z0-9@._-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\/\S*/gi;
const MENTION_ASCII = /(?<![A-Za-z0-9_])@[A-Za-z0-9_.-]+(?:@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)?/g;
const WORD_ASCII = /[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*/g;

/** `HAS_DIGIT` for an ASCII word. */
function hasAsciiDigit(word: string): boolean {
  for (let i = 0; i < word.length; i += 1) {
    const c = word.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

/**
 * The words of a reply as templates are compared (metrics.md §10 "after removing mentions, links
 * and numbers and lowercasing"):
 * 1. `normalizeText` (as the self-promotion phrases): NFKC, typographic apostrophes as `'`,
 *    lower-cased;
 * 2. links, then mentions, replaced by a space (links first: a link may hold an `@`);
 * 3. words are runs of letters, marks and digits joined by inner apostrophes; everything else
 *    (punctuation, `#`, emoji, `_`) separates words, so `#RoadClosed` is the word `roadclosed`;
 * 4. numbers are dropped: every word that holds a digit (`42`, `9am`, `2nd`, `A1234`), since
 *    a template's variable parts are ticket numbers, times and case ids as often as bare numbers.
 */
export function templateWords(text: string): string[] {
  const normalized = normalizeText(text);
  // The same steps with ASCII-only patterns when the text is ASCII, where they match exactly the
  // same (ASCII letters and digits are [a-z0-9], no mark is ASCII): `\p{…}` patterns are slow.
  const ascii = ASCII_ONLY.test(normalized);
  let cleaned = normalized;
  if (cleaned.includes('/') || cleaned.includes('www.')) cleaned = cleaned.replace(ascii ? LINK_ASCII : LINK, ' ');
  if (cleaned.includes('@')) cleaned = cleaned.replace(ascii ? MENTION_ASCII : MENTION, ' ');
  const words = cleaned.match(ascii ? WORD_ASCII : WORD) ?? [];
  return words.filter(ascii ? (word) => !hasAsciiDigit(word) : (word) => !HAS_DIGIT.test(word));
}

/**
 * The set compared (metrics.md §10): the distinct word 3-grams (each 3 words joined by one space),
 * or, for a text under 3 words, its distinct words; sorted, so that equal sets are equal arrays.
 *
 * A 1-gram never equals a 3-gram (words hold no space), so a text under 3 words can only be a
 * near-duplicate of another text under 3 words: "Thanks!" matches "thanks", never "Thanks for
 * your patience". A text with no words left (only mentions, links, numbers or emoji) has the
 * empty set and is never canned: there is nothing of the account's own wording to compare.
 */
export function templateGrams(words: readonly string[]): string[] {
  if (words.length < GRAM) return [...new Set(words)].sort();
  const grams = new Set<string>();
  for (let i = 0; i + GRAM <= words.length; i += 1) grams.add(words.slice(i, i + GRAM).join(' '));
  return [...grams].sort();
}

/**
 * Jaccard similarity `|a ∩ b| / |a ∪ b|` of two sets given as sorted arrays of distinct
 * values; null for two empty sets (nothing to compare).
 */
export function jaccard(a: readonly string[], b: readonly string[]): number | null {
  const { inter, union } = overlap(a, b);
  return union === 0 ? null : inter / union;
}

/** Size of the intersection and union of two ascending arrays of distinct values (one merge pass). */
function overlap<T extends string | number>(a: ArrayLike<T>, b: ArrayLike<T>): { inter: number; union: number } {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as T;
    const y = b[j] as T;
    if (x === y) {
      inter += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return { inter, union: a.length + b.length - inter };
}

/** `inter / union >= 4/5`, in integers (no rounding at the threshold). */
function similarEnough(inter: number, union: number): boolean {
  return union > 0 && SIMILAR_DEN * inter >= SIMILAR_NUM * union;
}

/** Smallest size a set may have to reach the threshold with a set of `size` elements: `ceil(0.8 · size)`. */
function minPartnerSize(size: number): number {
  return Math.ceil((SIMILAR_NUM * size) / SIMILAR_DEN);
}

/**
 * Smallest overlap a set of `size` elements has with any near-duplicate at least as large:
 * `ceil(2t / (1 + t) · size)` = `ceil(8/9 · size)` for t = 4/5 (PPJoin's indexing prefix bound:
 * `|x ∩ y| >= t / (1 + t) · (|x| + |y|)` and `|y| >= |x|`).
 */
function minIndexedOverlap(size: number): number {
  return Math.ceil((2 * SIMILAR_NUM * size) / (SIMILAR_DEN + SIMILAR_NUM));
}

/** Union-find over indices (path halving, union by size). */
class Components {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i += 1) this.parent[i] = i;
  }

  find(i: number): number {
    let x = i;
    while (this.parent[x] !== x) {
      const up = this.parent[this.parent[x] as number] as number;
      this.parent[x] = up;
      x = up;
    }
    return x;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number);
  }
}

/**
 * The inverted index of one gram: the sets whose prefix holds it, in buckets of one component
 * each, keyed by that component's root when the bucket was made or last merged.
 */
type Postings = Map<number, number[]>;

/** Re-keys the buckets of one gram by their components' current roots, merging smaller into larger. */
function mergeStaleBuckets(postings: Postings, components: Components): void {
  for (const key of [...postings.keys()]) {
    const root = components.find(key);
    if (root === key) continue;
    const bucket = postings.get(key) as number[];
    postings.delete(key);
    const other = postings.get(root);
    if (other === undefined) postings.set(root, bucket);
    else if (other.length >= bucket.length) for (const y of bucket) other.push(y);
    else {
      for (const y of other) bucket.push(y);
      postings.set(root, bucket);
    }
  }
}

/**
 * Rank of each gram id when ordered by document frequency, rarest first, ties by id (the order
 * grams first appear in): a counting sort, linear in the number of grams.
 */
function rarityRanks(documentFrequency: Int32Array): Int32Array {
  let maxFrequency = 0;
  for (const f of documentFrequency) if (f > maxFrequency) maxFrequency = f;
  const next = new Int32Array(maxFrequency + 2);
  for (const f of documentFrequency) next[f + 1] = (next[f + 1] as number) + 1;
  for (let f = 1; f < next.length; f += 1) next[f] = (next[f] as number) + (next[f - 1] as number);
  const rank = new Int32Array(documentFrequency.length);
  documentFrequency.forEach((f, gram) => {
    rank[gram] = next[f] as number;
    next[f] = (next[f] as number) + 1;
  });
  return rank;
}

/**
 * Links, in `components`, every distinct non-empty set to every set whose Jaccard similarity with
 * it is at least 4/5, or to another member of that set's component (which yields the same
 * components: only the components are wanted, not the list of pairs).
 *
 * An exact similarity join with prefix filtering (AllPairs, Bayardo, Ma & Srikant, WWW 2007;
 * the prefix principle of PPJoin, Xiao et al., WWW 2008), never an all-pairs comparison:
 * - grams become integers ordered by rarity (number of sets holding them, then first
 *   appearance), each set sorted in that order;
 * - sets are visited by size, smallest first. When `|y| <= |x|` and their Jaccard is >= t, they
 *   overlap in at least `t / (1 + t) · (|x| + |y|)` grams, so `x`'s first `|x| - ceil(t·|x|) + 1`
 *   grams (its probing prefix) and `y`'s first `|y| - ceil(2t / (1 + t) · |y|) + 1` (its indexed
 *   prefix) share a gram. Only the sets met in the inverted index under `x`'s probing prefix are
 *   candidates, and each is verified with the exact Jaccard, in integers (unlike MinHash/LSH, no
 *   pair is missed); `x` is then indexed under its indexed prefix;
 * - size filter: a partner of `x` has at least `ceil(t·|x|)` grams; sets visited later are no
 *   smaller, so an indexed set below that is dropped from the index for good;
 * - components: each gram's index is split into buckets of one component. A bucket of `x`'s own
 *   component is skipped whole, and so is the rest of a bucket once one of its sets matched.
 *   So the many variants of one long template (a closing word added, one word changed: 5 000
 *   distinct sets, all near-duplicates of each other) cost about one verification each, not one
 *   per pair. Buckets whose components have merged are merged when next met, smaller into larger.
 * For template-like text the cost grows about linearly with the number of distinct sets (see the
 * scale tests); only sets that share their rarest grams without being near-duplicates cost extra
 * verifications.
 */
function joinNearDuplicates(records: Records, gramCount: number, components: Components): void {
  const { grams, start, size, singles } = records;
  const count = size.length;
  const order: number[] = [];
  for (let i = 0; i < count; i += 1) if ((size[i] as number) > 0) order.push(i);
  order.sort((a, b) => (size[a] as number) - (size[b] as number) || a - b);
  const index: (Postings | undefined)[] = new Array<Postings | undefined>(gramCount);
  const stamp = new Int32Array(count).fill(-1);

  for (const x of order) {
    const sx = size[x] as number;
    const from = start[x] as number;
    const shared = (start[x + 1] as number) - from;
    const minSize = minPartnerSize(sx);
    // The prefixes of the description, over the whole ordered set; its first `singles` grams
    // are held by no other set, so only the shared grams after them are probed and indexed.
    const probe = Math.min(shared, sx - minSize + 1 - (singles[x] as number));
    for (let p = 0; p < probe; p += 1) {
      const postings = index[grams[from + p] as number];
      if (postings === undefined) continue;
      mergeStaleBuckets(postings, components);
      for (const [key, bucket] of postings) {
        if (components.find(key) === components.find(x)) continue;
        let k = 0;
        while (k < bucket.length) {
          const y = bucket[k] as number;
          if ((size[y] as number) < minSize) {
            bucket[k] = bucket[bucket.length - 1] as number;
            bucket.pop();
            continue;
          }
          k += 1;
          if (stamp[y] === x) continue;
          stamp[y] = x;
          const inter = sharedCount(grams, from, shared, start[y] as number, (start[y + 1] as number) - (start[y] as number));
          if (similarEnough(inter, sx + (size[y] as number) - inter)) {
            components.union(x, y);
            break;
          }
        }
        if (bucket.length === 0) postings.delete(key);
      }
    }
    const root = components.find(x);
    const indexed = Math.min(shared, sx - minIndexedOverlap(sx) + 1 - (singles[x] as number));
    for (let p = 0; p < indexed; p += 1) {
      const gram = grams[from + p] as number;
      const postings = (index[gram] ??= new Map());
      const bucket = postings.get(root);
      if (bucket === undefined) postings.set(root, [x]);
      else bucket.push(x);
    }
  }
}

/** Size of the intersection of two ascending runs of distinct values in `grams` (one merge pass). */
function sharedCount(grams: Int32Array, a: number, aLength: number, b: number, bLength: number): number {
  let i = a;
  let j = b;
  const aEnd = a + aLength;
  const bEnd = b + bLength;
  let inter = 0;
  while (i < aEnd && j < bEnd) {
    const x = grams[i] as number;
    const y = grams[j] as number;
    if (x === y) {
      inter += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return inter;
}

/**
 * The distinct sets as the join reads them, in one array (a few hundred thousand sets are a few
 * arrays, not a few hundred thousand): set `r` holds `size[r]` distinct grams, of which
 * `singles[r]` no other input holds (they can never be shared, so they are only counted), and
 * `grams[start[r] .. start[r + 1])` are its other grams as ranks, ascending.
 */
interface Records {
  grams: Int32Array;
  start: Int32Array;
  size: Int32Array;
  singles: Int32Array;
}

/**
 * Clusters of near-duplicates: for each input set (sorted distinct grams, as `templateGrams`
 * gives), a label shared by exactly the inputs linked to it through a chain of pairs with Jaccard
 * >= 0.8 (the connected components of the near-duplicate graph). The label is the index of the
 * cluster's first input. An empty set is never similar to anything and keeps its own label.
 *
 * Identical sets are merged first (100 000 sendings of one template are one record, not 10^10
 * pairs), then the distinct sets are joined exactly by `joinNearDuplicates`.
 */
export function clusterNearDuplicates(sets: readonly (readonly string[])[]): number[] {
  const gramId = new Map<string, number>();
  const keys = new GramKeys();
  for (const grams of sets) {
    keys.add(
      grams.map((gram) => {
        let id = gramId.get(gram);
        if (id === undefined) {
          id = gramId.size;
          gramId.set(gram, id);
        }
        return id;
      }),
    );
  }
  return clusterKeys(keys);
}

/**
 * The grams of every input as numbers (keys), each input's distinct keys in one run: a
 * `Float64Array` that grows, not an array per input. Keys are exact integers below 2^53.
 */
class GramKeys {
  keys = new Float64Array(4096);
  length = 0;
  /** Where each input's run starts; one more entry than inputs. */
  readonly starts: number[] = [0];
  private scratch = new Float64Array(64);

  /** Adds one input's grams (any order, repeats allowed). */
  add(grams: readonly number[]): void {
    if (grams.length > this.scratch.length) this.scratch = new Float64Array(grams.length * 2);
    const sorted = this.scratch.subarray(0, grams.length);
    for (let i = 0; i < grams.length; i += 1) sorted[i] = grams[i] as number;
    sorted.sort();
    if (this.length + grams.length > this.keys.length) {
      const bigger = new Float64Array(Math.max(this.keys.length * 2, this.length + grams.length));
      bigger.set(this.keys.subarray(0, this.length));
      this.keys = bigger;
    }
    for (let i = 0; i < sorted.length; i += 1) {
      const key = sorted[i] as number;
      if (i > 0 && key === sorted[i - 1]) continue;
      this.keys[this.length++] = key;
    }
    this.starts.push(this.length);
  }
}

/**
 * The rank of each shared key, in an open-addressing hash table (keys are exact integers below
 * 2^53, hashed from their high and low 32 bits): one lookup per gram of every input.
 */
class KeyRanks {
  private readonly keys: Float64Array;
  private readonly ranks: Int32Array;
  private readonly mask: number;

  constructor(keys: Float64Array, ranks: Int32Array) {
    let capacity = 16;
    while (capacity < keys.length * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(-1);
    this.ranks = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as number;
      let slot = hashKey(key) & this.mask;
      while (this.keys[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.ranks[slot] = ranks[i] as number;
    }
  }

  /** The key's rank, or -1 when no other input holds it. */
  get(key: number): number {
    let slot = hashKey(key) & this.mask;
    for (;;) {
      const found = this.keys[slot] as number;
      if (found === key) return this.ranks[slot] as number;
      if (found === -1) return -1;
      slot = (slot + 1) & this.mask;
    }
  }
}

function hashKey(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4294967296) >>> 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * `clusterNearDuplicates` over keyed grams. A key's document frequency is the number of inputs
 * holding it (one sort of all keys); keys held by one input only are never shared, so they are
 * only counted (most grams of free text), and the others become ranks ordered rarest first.
 */
function clusterKeys(input: GramKeys): number[] {
  const inputs = input.starts.length - 1;
  const all = input.keys.subarray(0, input.length);
  const sorted = Float64Array.from(all).sort();
  const sharedKeys: number[] = [];
  const frequency: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j += 1;
    if (j - i >= 2) {
      sharedKeys.push(sorted[i] as number);
      frequency.push(j - i);
    }
    i = j;
  }
  const keyList = Float64Array.from(sharedKeys);
  const ranks = new KeyRanks(keyList, rarityRanks(Int32Array.from(frequency)));

  // The distinct records: an input with a gram of its own is distinct from every other; inputs
  // made only of shared grams are merged when equal (by a hash, then in full).
  const recordOf = new Int32Array(inputs).fill(-1);
  const grams: number[] = [];
  const start: number[] = [0];
  const size: number[] = [];
  const singles: number[] = [];
  const byHash = new Map<number, number | number[]>();
  let buffer = new Int32Array(64);
  for (let i = 0; i < inputs; i += 1) {
    const from = input.starts[i] as number;
    const to = input.starts[i + 1] as number;
    if (to === from) continue;
    if (to - from > buffer.length) buffer = new Int32Array((to - from) * 2);
    let n = 0;
    for (let k = from; k < to; k += 1) {
      const r = ranks.get(all[k] as number);
      if (r !== -1) buffer[n++] = r;
    }
    const scratch = buffer.subarray(0, n).sort();
    const own = to - from - scratch.length;
    if (own === 0) {
      let hash = scratch.length;
      for (const r of scratch) hash = Math.imul(hash ^ r, 0x01000193) >>> 0;
      const seen = byHash.get(hash);
      const same = seen === undefined ? -1 : (typeof seen === 'number' ? [seen] : seen).find((d) => sameRun(grams, start, d, scratch));
      if (same !== undefined && same !== -1) {
        recordOf[i] = same;
        continue;
      }
      const d = size.length;
      if (seen === undefined) byHash.set(hash, d);
      else if (typeof seen === 'number') byHash.set(hash, [seen, d]);
      else seen.push(d);
    }
    recordOf[i] = size.length;
    for (const r of scratch) grams.push(r);
    start.push(grams.length);
    size.push(to - from);
    singles.push(own);
  }
  byHash.clear();

  const records: Records = {
    grams: Int32Array.from(grams),
    start: Int32Array.from(start),
    size: Int32Array.from(size),
    singles: Int32Array.from(singles),
  };
  const components = new Components(size.length);
  joinNearDuplicates(records, keyList.length, components);
  const labelOfRoot = new Map<number, number>();
  const labels = new Array<number>(inputs);
  for (let i = 0; i < inputs; i += 1) {
    const d = recordOf[i] as number;
    if (d === -1) {
      labels[i] = i;
      continue;
    }
    const root = components.find(d);
    const label = labelOfRoot.get(root);
    if (label !== undefined) labels[i] = label;
    else {
      labelOfRoot.set(root, i);
      labels[i] = i;
    }
  }
  return labels;
}

/** Whether record `d`'s shared grams are exactly `run` (both ascending). */
function sameRun(grams: readonly number[], start: readonly number[], d: number, run: Int32Array): boolean {
  const from = start[d] as number;
  if ((start[d + 1] as number) - from !== run.length) return false;
  for (let i = 0; i < run.length; i += 1) if (grams[from + i] !== run[i]) return false;
  return true;
}

/** Word ids below this make exact integer keys of 3-grams: 3 × 17 bits (plus a key space for 1-grams) stay below 2^53. */
const WORD_SPAN = 2 ** 17;
const UNIGRAM_BASE = 2 ** 51;
const WIDE_BASE = 2 ** 52;

/**
 * Keys of the grams of texts' words (what `templateGrams` gives, without a string per gram):
 * words get ids; a 3-gram's key is its three word ids in one integer, a 1-gram's (texts under 3
 * words) its word's id in a key space of its own, so a 1-gram never equals a 3-gram. Two grams
 * get the same key exactly when `templateGrams` gives the same string for them (words hold no
 * space). Past 2^17 distinct words, grams with a later word are keyed through a string instead.
 */
class GramKeyer {
  private readonly words = new Map<string, number>();
  private readonly wide = new Map<string, number>();

  of(words: readonly string[]): number[] {
    const keys: number[] = [];
    if (words.length < GRAM) {
      for (const word of words) {
        const a = this.word(word);
        keys.push(a < WORD_SPAN ? UNIGRAM_BASE + a : this.wideKey(`${a}`));
      }
      return keys;
    }
    let a = this.word(words[0] as string);
    let b = this.word(words[1] as string);
    for (let i = 2; i < words.length; i += 1) {
      const c = this.word(words[i] as string);
      keys.push(a < WORD_SPAN && b < WORD_SPAN && c < WORD_SPAN ? (a * WORD_SPAN + b) * WORD_SPAN + c : this.wideKey(`${a} ${b} ${c}`));
      a = b;
      b = c;
    }
    return keys;
  }

  private word(word: string): number {
    let id = this.words.get(word);
    if (id === undefined) {
      id = this.words.size;
      this.words.set(word, id);
    }
    return id;
  }

  private wideKey(gram: string): number {
    let id = this.wide.get(gram);
    if (id === undefined) {
      id = this.wide.size;
      this.wide.set(gram, id);
    }
    return WIDE_BASE + id;
  }
}

/** A reply to another account with its cleaned form (its words after cleaning, in order). */
interface Candidate {
  item: AuditItem;
  form: string;
}

function evidenceOf(item: AuditItem, count: number): Evidence {
  return {
    id: item.post.id,
    url: item.post.url,
    createdAt: item.post.createdAt,
    text: item.post.text,
    note: `one of ${count} near-identical replies`,
  };
}

/**
 * A template: one cluster of near-duplicates (single link: A~B and B~C put A, B and C together
 * even when A and C differ more). `text` is the original text of the first reply written in the
 * cluster's most common exact cleaned form (ties: the form used first); `count` its replies;
 * `evidence` its up to 3 newest replies, newest first.
 */
function describeTemplate(members: readonly Candidate[]): CannedTemplate {
  const sorted = members.toSorted((a, b) => a.item.ms - b.item.ms);
  const forms = new Map<string, { count: number; first: AuditItem }>();
  for (const { item, form } of sorted) {
    const seen = forms.get(form);
    if (seen === undefined) forms.set(form, { count: 1, first: item });
    else seen.count += 1;
  }
  let best: { count: number; first: AuditItem } | null = null;
  for (const candidate of forms.values()) if (best === null || candidate.count > best.count) best = candidate;
  const count = members.length;
  return {
    text: (best as { first: AuditItem }).first.post.text,
    count,
    evidence: sorted
      .slice(-TEMPLATE_EVIDENCE_LIMIT)
      .reverse()
      .map(({ item }) => evidenceOf(item, count)),
  };
}

/** The replies compared (metrics.md §10): the window's replies to other accounts, oldest first. */
export function cannedCandidates(set: PostSet): AuditItem[] {
  const candidates: AuditItem[] = [];
  for (const item of set.items) if (item.kind === 'reply' && !item.toSelf) candidates.push(item);
  return candidates;
}

/**
 * The clusters of near-duplicate replies among `texts` (`clusterNearDuplicates` of their
 * `templateGrams(templateWords(text))`, without a string per gram): for each text, the index of
 * the first text of its cluster. Plain strings in, integers out, so it can run on a worker
 * thread (`parallel.ts`).
 */
export function clusterReplyTexts(texts: readonly string[]): Int32Array {
  const keyer = new GramKeyer();
  const keys = new GramKeys();
  for (const text of texts) keys.add(keyer.of(templateWords(text)));
  return Int32Array.from(clusterKeys(keys));
}

/**
 * metrics.md §10 "canned replies". A reply to another account (`reply.toOther`, in the window)
 * is canned when another reply to another account in the window is a near-duplicate: their sets
 * of word 3-grams (`templateGrams(templateWords(text))`) have a Jaccard similarity of at least
 * 0.8. Self-thread replies are neither counted nor compared: they continue the account's own
 * posts, and a canned reply is an answer to a person sent again. Replies outside the window are
 * not compared either.
 *
 * - `replies` = the window's `reply.toOther` (the report's `counts.replyToOther`), `canned` those
 *   with a near-duplicate, `share = canned / replies` (null when there are no replies).
 * - `templates`: the up to 5 largest clusters of near-duplicates (`clusterNearDuplicates`; most
 *   replies first, ties: the template used first), each with its representative text, size and
 *   up to 3 newest replies as evidence.
 *
 * `clustered`: what `clusterReplyTexts` gives for the texts of `cannedCandidates(set)`, when it
 * was worked out elsewhere (on a worker thread); otherwise it is worked out here.
 */
export function computeCannedReplies(set: PostSet, clustered?: ArrayLike<number>): CannedRepliesMeasurement {
  const candidates = cannedCandidates(set);
  const replies = candidates.length;

  // Labels are input indices; only clusters of two or more replies are gathered (most replies
  // are in none).
  const labels = clustered ?? clusterReplyTexts(candidates.map((item) => item.post.text));
  if (labels.length !== replies) throw new RangeError(`canned replies: ${labels.length} labels for ${replies} replies`);
  const sizes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as number;
    sizes[label] = (sizes[label] as number) + 1;
  }
  const clusters = new Map<number, AuditItem[]>();
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as number;
    if ((sizes[label] as number) < 2) continue;
    const candidate = candidates[i] as AuditItem;
    const cluster = clusters.get(label);
    if (cluster === undefined) clusters.set(label, [candidate]);
    else cluster.push(candidate);
  }

  let canned = 0;
  const templates: { members: AuditItem[]; firstMs: number }[] = [];
  for (const members of clusters.values()) {
    if (members.length < 2) continue;
    canned += members.length;
    const firstMs = members.reduce((min, m) => Math.min(min, m.ms), Infinity);
    templates.push({ members, firstMs });
  }
  templates.sort((a, b) => b.members.length - a.members.length || a.firstMs - b.firstMs);

  return {
    share: replies === 0 ? null : canned / replies,
    canned,
    replies,
    // Only the templates cited are described (their cleaned forms worked out again).
    templates: templates
      .slice(0, TEMPLATE_LIMIT)
      .map((t) => describeTemplate(t.members.map((item) => ({ item, form: templateWords(item.post.text).join(' ') })))),
  };
}
