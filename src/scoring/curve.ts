import type { Curve } from './model.js';

/**
 * metrics.md §4: a curve is a list of `[value, score]` control points in increasing order of
 * value; the score is read off straight lines between neighbouring points and is flat beyond
 * the first and last points. One mechanism for every metric, so a reader can check any score
 * with a ruler (Lighthouse's log-normal curves suit timings but not ratios bounded in [0, 1]).
 * @see https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/audit.js (`computeLogNormalScore`, the model this replaces)
 */
export function scoreOnCurve(curve: Curve, value: number): number {
  if (Number.isNaN(value)) throw new RangeError('cannot score NaN');
  const first = curve[0];
  if (first === undefined) throw new RangeError('a curve needs at least one point');
  if (value <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i] as [number, number];
    if (value > x1) continue;
    const [x0, y0] = curve[i - 1] as [number, number];
    return y0 + ((value - x0) / (x1 - x0)) * (y1 - y0);
  }
  return (curve.at(-1) as [number, number])[1];
}

/**
 * The value at which a curve first reaches `target` when read in the direction that improves the
 * score: for a rising curve (more is better) the smallest such value, for a falling curve (less
 * is better) the largest. Null when the curve never reaches `target`. Used to tell people what
 * to aim for ("0.50 scores 0.9") in the model actually used.
 */
export function valueForScore(curve: Curve, target: number): number | null {
  const first = curve[0];
  const last = curve.at(-1);
  if (first === undefined || last === undefined) return null;
  const rising = last[1] >= first[1];
  const points = rising ? curve : curve.toReversed();
  const start = points[0] as [number, number];
  if (start[1] >= target) return start[0];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1] as [number, number];
    const [x1, y1] = points[i] as [number, number];
    if (y1 >= target && y0 < target) return x0 + ((target - y0) / (y1 - y0)) * (x1 - x0);
  }
  return null;
}
