import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/util/pool.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapBounded', () => {
  it('runs at most `limit` at a time and keeps the order of the items', async () => {
    let running = 0;
    let most = 0;
    const out = await mapBounded([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running += 1;
      most = Math.max(most, running);
      await tick(ms);
      running -= 1;
      return i * 10;
    });
    expect(most).toBe(2);
    expect(out).toEqual([0, 10, 20, 30, 40].map((value) => ({ ok: true, value })));
  });

  it('one failing item does not stop the others', async () => {
    const boom = new Error('boom');
    const out = await mapBounded(['a', 'b', 'c'], 3, async (x) => {
      if (x === 'b') throw boom;
      return x.toUpperCase();
    });
    expect(out).toEqual([
      { ok: true, value: 'A' },
      { ok: false, error: boom },
      { ok: true, value: 'C' },
    ]);
  });

  it('an error `stop` accepts ends the run: no further item starts, and it is thrown', async () => {
    const started: number[] = [];
    const stop = new Error('interrupted');
    await expect(
      mapBounded([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw stop;
        return n;
      }, (err) => err === stop),
    ).rejects.toBe(stop);
    expect(started).toEqual([1, 2]);
  });

  it('no items, or a limit below 1: still works', async () => {
    expect(await mapBounded([], 3, async () => 1)).toEqual([]);
    expect(await mapBounded([1], 0, async (n) => n + 1)).toEqual([{ ok: true, value: 2 }]);
  });
});
