import { describe, expect, it } from 'vitest';
import { scoreOnCurve, valueForScore } from '../../src/scoring/curve.js';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';

const { curves } = DEFAULT_SCORING_MODEL;

describe('scoreOnCurve: straight lines between points, flat beyond the ends (metrics.md §4)', () => {
  const rows: { curve: keyof typeof curves; value: number; score: number; why: string }[] = [
    { curve: 'responseLatency', value: 14_400, score: 0.5, why: '4 h is a control point: 0.5' },
    { curve: 'responseLatency', value: 3_600, score: 0.9, why: '1 h is a control point: 0.9' },
    { curve: 'responseLatency', value: 9_000, score: 0.7, why: '2 h 30 min: 0.9 + (9000-3600)/(14400-3600)·(0.5-0.9) = 0.9 - 0.2' },
    { curve: 'responseLatency', value: 60, score: 1, why: 'faster than the first point (900 s): flat at 1' },
    { curve: 'responseLatency', value: 1_000_000, score: 0, why: 'slower than 3 days: flat at 0' },
    { curve: 'responseLatency', value: 1_402.927, score: 1 - (502.927 / 2700) * 0.1, why: 'RoadInfo median: 1 + (1402.927-900)/2700·(0.9-1)' },
    { curve: 'replyRatio', value: 0, score: 0, why: 'no replies: 0' },
    { curve: 'replyRatio', value: 0.1, score: 0.25 + (0.05 / 0.15) * 0.25, why: '0.25 + (0.1-0.05)/(0.2-0.05)·(0.5-0.25) = 0.3333…' },
    { curve: 'replyRatio', value: 0.35, score: 0.7, why: '0.5 + (0.35-0.2)/(0.5-0.2)·(0.9-0.5) = 0.7' },
    { curve: 'replyRatio', value: 1, score: 1, why: 'beyond 0.7: flat at 1' },
    { curve: 'selfPromotion', value: 0, score: 1, why: 'no self-promotion: 1' },
    { curve: 'selfPromotion', value: 0.1, score: 0.9 - (0.05 / 0.15) * 0.4, why: '0.9 + (0.1-0.05)/(0.2-0.05)·(0.5-0.9) = 0.7667' },
    { curve: 'selfPromotion', value: 1, score: 0, why: 'everything promotional: 0' },
  ];
  it.each(rows)('$curve $value → $score ($why)', ({ curve, value, score }) => {
    expect(scoreOnCurve(curves[curve], value)).toBeCloseTo(score, 12);
  });

  it('a one-point curve is flat everywhere', () => {
    expect(scoreOnCurve([[5, 0.3]], -1)).toBe(0.3);
    expect(scoreOnCurve([[5, 0.3]], 99)).toBe(0.3);
  });

  it('NaN is refused', () => {
    expect(() => scoreOnCurve(curves.mix, Number.NaN)).toThrow(RangeError);
  });
});

describe('valueForScore: what to aim for', () => {
  it('rising curves: the smallest value scoring 0.9 (reply ratio, mix: 0.50)', () => {
    expect(valueForScore(curves.replyRatio, 0.9)).toBeCloseTo(0.5, 12);
    expect(valueForScore(curves.mix, 0.9)).toBeCloseTo(0.5, 12);
  });
  it('falling curves: the largest value scoring 0.9 (latency 3600 s, self-promotion 0.05)', () => {
    expect(valueForScore(curves.responseLatency, 0.9)).toBeCloseTo(3600, 9);
    expect(valueForScore(curves.selfPromotion, 0.9)).toBeCloseTo(0.05, 12);
  });
  it('between points it interpolates; a curve that never gets there gives null', () => {
    expect(valueForScore(curves.replyRatio, 0.7)).toBeCloseTo(0.35, 12);
    expect(valueForScore([[0, 0], [1, 0.5]], 0.9)).toBeNull();
  });
});
