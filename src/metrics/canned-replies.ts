import type { Evidence, Report } from '../schema/report.js';
import type { MetricMeta } from './metric.js';
import { normalizeText } from './self-promotion.js';
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
  const cleaned = normalizeText(text).replace(LINK, ' ').replace(MENTION, ' ');
  return (cleaned.match(WORD) ?? []).filter((word) => !HAS_DIGIT.test(word));
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
function joinNearDuplicates(sets: readonly Int32Array[], gramCount: number, components: Components): void {
  const documentFrequency = new Int32Array(gramCount);
  for (const grams of sets) for (const gram of grams) documentFrequency[gram] = (documentFrequency[gram] as number) + 1;
  const rank = rarityRanks(documentFrequency);
  const records = sets.map((grams) => grams.map((gram) => rank[gram] as number).sort());

  const sizeOf = (i: number): number => (records[i] as Int32Array).length;
  const order = records.map((_, i) => i).filter((i) => sizeOf(i) > 0);
  order.sort((a, b) => sizeOf(a) - sizeOf(b) || a - b);
  const index: (Postings | undefined)[] = new Array<Postings | undefined>(gramCount);
  const stamp = new Int32Array(sets.length).fill(-1);

  for (const x of order) {
    const rx = records[x] as Int32Array;
    const minSize = minPartnerSize(rx.length);
    const prefix = rx.length - minSize + 1;
    for (let p = 0; p < prefix; p += 1) {
      const postings = index[rx[p] as number];
      if (postings === undefined) continue;
      mergeStaleBuckets(postings, components);
      for (const [key, bucket] of postings) {
        if (components.find(key) === components.find(x)) continue;
        let k = 0;
        while (k < bucket.length) {
          const y = bucket[k] as number;
          if (sizeOf(y) < minSize) {
            bucket[k] = bucket[bucket.length - 1] as number;
            bucket.pop();
            continue;
          }
          k += 1;
          if (stamp[y] === x) continue;
          stamp[y] = x;
          const { inter, union } = overlap(rx, records[y] as Int32Array);
          if (similarEnough(inter, union)) {
            components.union(x, y);
            break;
          }
        }
        if (bucket.length === 0) postings.delete(key);
      }
    }
    const root = components.find(x);
    const indexPrefix = rx.length - minIndexedOverlap(rx.length) + 1;
    for (let p = 0; p < indexPrefix; p += 1) {
      const gram = rx[p] as number;
      const postings = (index[gram] ??= new Map());
      const bucket = postings.get(root);
      if (bucket === undefined) postings.set(root, [x]);
      else bucket.push(x);
    }
  }
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
  const distinct: Int32Array[] = [];
  const distinctOf = new Int32Array(sets.length);
  const byKey = new Map<string, number>();
  sets.forEach((grams, i) => {
    if (grams.length === 0) {
      distinctOf[i] = -1;
      return;
    }
    const key = grams.join('\n');
    let d = byKey.get(key);
    if (d === undefined) {
      d = distinct.length;
      byKey.set(key, d);
      distinct.push(
        Int32Array.from(grams, (gram) => {
          let id = gramId.get(gram);
          if (id === undefined) {
            id = gramId.size;
            gramId.set(gram, id);
          }
          return id;
        }),
      );
    }
    distinctOf[i] = d;
  });

  const components = new Components(distinct.length);
  joinNearDuplicates(distinct, gramId.size, components);

  const labelOfRoot = new Map<number, number>();
  return sets.map((_, i) => {
    const d = distinctOf[i] as number;
    if (d === -1) return i;
    const root = components.find(d);
    const label = labelOfRoot.get(root);
    if (label !== undefined) return label;
    labelOfRoot.set(root, i);
    return i;
  });
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
 */
export function computeCannedReplies(set: PostSet): CannedRepliesMeasurement {
  const candidates: Candidate[] = [];
  const sets: string[][] = [];
  for (const item of set.items) {
    if (item.kind !== 'reply' || item.toSelf) continue;
    const words = templateWords(item.post.text);
    candidates.push({ item, form: words.join(' ') });
    sets.push(templateGrams(words));
  }
  const replies = candidates.length;

  const clusters = new Map<number, Candidate[]>();
  clusterNearDuplicates(sets).forEach((label, i) => {
    const candidate = candidates[i] as Candidate;
    const cluster = clusters.get(label);
    if (cluster === undefined) clusters.set(label, [candidate]);
    else cluster.push(candidate);
  });

  let canned = 0;
  const templates: { template: CannedTemplate; firstMs: number }[] = [];
  for (const members of clusters.values()) {
    if (members.length < 2) continue;
    canned += members.length;
    const firstMs = members.reduce((min, m) => Math.min(min, m.item.ms), Infinity);
    templates.push({ template: describeTemplate(members), firstMs });
  }
  templates.sort((a, b) => b.template.count - a.template.count || a.firstMs - b.firstMs);

  return {
    share: replies === 0 ? null : canned / replies,
    canned,
    replies,
    templates: templates.slice(0, TEMPLATE_LIMIT).map((t) => t.template),
  };
}
