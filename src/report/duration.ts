const MINUTE = 60;
const HOUR = 60 * MINUTE;

/**
 * A duration in seconds as a short phrase for a scorecard: `45 s`, `23 min`, `4 h 10 min`,
 * `4 h`, `2 d 3 h`. Durations of a minute or more are rounded to the minute, of a day or more
 * to the hour. Negative or non-finite input gives `–`.
 */
export function formatDurationShort(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (Math.round(seconds) < MINUTE) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const hours = Math.round(seconds / HOUR);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}
