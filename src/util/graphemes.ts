/**
 * Grapheme clusters of a text, in linear time.
 *
 * `Intl.Segmenter` is what splits text into user-perceived characters, but V8's segment iterator
 * gets slower the longer the text (iterating a 100,000-character post takes seconds, a million
 * characters minutes), so a hostile or merely long post could stall a report. This segments the
 * text in windows of a few thousand code units instead: every cluster of a window but the last is
 * final; the last one may continue past the window, so the next window starts with it.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Code units segmented at a time: far longer than any real grapheme cluster. */
const WINDOW = 4096;

const isPrintableAscii = (code: number): boolean => code >= 0x20 && code <= 0x7e;

/** The grapheme clusters of `text`, in order; joined, they give `text` back. */
export function* graphemeClusters(text: string): Generator<string> {
  if (text.length <= WINDOW) {
    for (const { segment } of segmenter.segment(text)) yield segment;
    return;
  }
  const n = text.length;
  let start = 0;
  while (start < n) {
    // Fast path: a printable ASCII character followed by another (or by the end) is a cluster of
    // its own (UAX #29: only marks, joiners and CR LF extend a cluster, none of them ASCII
    // printable), which is most of most posts.
    if (isPrintableAscii(text.charCodeAt(start)) && (start + 1 === n || isPrintableAscii(text.charCodeAt(start + 1)))) {
      yield text[start]!;
      start += 1;
      continue;
    }
    let end = Math.min(n, start + WINDOW);
    // Never end a window between the halves of a surrogate pair.
    if (end < n && /[\ud800-\udbff]/.test(text[end - 1] ?? '')) end -= 1;
    let pending: string | null = null;
    let consumed = 0;
    for (const { segment } of segmenter.segment(text.slice(start, end))) {
      if (pending !== null) {
        yield pending;
        consumed += pending.length;
      }
      pending = segment;
    }
    if (pending === null) break;
    // The window's last cluster may continue past it: it is given only at the end of the text,
    // or when it fills the whole window (a pathological run of combining marks: cut rather than
    // loop); otherwise the next window starts with it.
    if (end === n || consumed === 0) {
      yield pending;
      consumed += pending.length;
    }
    start += consumed;
  }
}
