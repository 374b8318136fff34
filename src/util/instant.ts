/**
 * `Date.parse` for the instants readers write (`2026-05-31T18:00:00.000Z`,
 * `2026-05-31T18:00:00Z`), read digit by digit: a million posts parse a million dates, and this
 * shape is nearly all of them. Anything else (another length, an offset, a year before 1000 that
 * `Date.UTC` would read as 19xx, an hour of 24) goes to `Date.parse` itself, so the result is
 * always exactly `Date.parse(text)` (test/util/instant.test.ts compares them).
 */
export function parseInstantMs(text: string): number {
  const length = text.length;
  if ((length !== 24 && length !== 20) || text.charCodeAt(length - 1) !== 0x5a /* Z */) return Date.parse(text);
  if (
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a ||
    (length === 24 && text.charCodeAt(19) !== 0x2e)
  ) {
    return Date.parse(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = length === 24 ? digits(text, 20, 3) : 0;
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    ms < 0
  ) {
    return Date.parse(text);
  }
  // Date.parse, like Date.UTC, carries a day past the month's end over (2026-02-31 is 3 March).
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The number written by `count` ASCII digits at `from`, or -1 when one of them is no digit. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
