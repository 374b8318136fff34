/**
 * Small text helpers shared by the recommendations and the reporters. Pure, locale-free:
 * the same report always reads the same, whatever machine prints it.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
/**
 * Up to this length a duration is written in hours ("26 h 5 min"): people say "a day and two
 * hours" less readily than "26 hours" for a reply that came the next day. From two days on,
 * days read better ("2 d 3 h").
 */
const HOURS_UNTIL = 48 * HOUR;

/**
 * A duration in seconds as the two largest units a person would say, rounded to the smaller
 * unit, a zero smaller unit left out: `42 s`, `16 min 25 s`, `5 min`, `1 h 42 min`, `26 h 5 min`,
 * `2 d 3 h`. Rounding carries over (59 min 59.6 s is `1 h`). Negative durations read as `0 s`
 * (a reply cannot come before its message; the latency metric already folds clock skew to 0).
 * @throws RangeError when `seconds` is not a finite number.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new RangeError(`not a duration: ${seconds}`);
  const s = Math.max(0, seconds);
  const wholeSeconds = Math.round(s);
  if (wholeSeconds < MINUTE) return `${wholeSeconds} s`;
  if (wholeSeconds < HOUR) return pair(Math.floor(wholeSeconds / MINUTE), 'min', wholeSeconds % MINUTE, 's');
  const minutes = Math.round(s / MINUTE);
  if (minutes * MINUTE < HOURS_UNTIL) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(s / HOUR);
  return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

/**
 * A share in [0, 1] as a whole percentage (`0.3333` → `33%`). A share that is not 0 but rounds
 * to 0 reads `<1%`, one that is not 1 but rounds to 100 reads `>99%`, so that "0%" and "100%"
 * always mean exactly none and all.
 */
export function formatPercent(share: number): string {
  const pct = Math.round(share * 100);
  if (pct === 0 && share > 0) return '<1%';
  if (pct === 100 && share < 1) return '>99%';
  return `${pct}%`;
}

/**
 * An ISO instant as a short UTC reading to the minute (`2026-08-20T01:00:00.251Z` →
 * `2026-08-20 01:00 UTC`); the text unchanged when it is not an instant.
 */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
