import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenReports } from '../../src/golden.js';
import { ROOT } from '../helpers/cli.js';

describe('golden sample reports (examples/)', () => {
  it('match what the tool produces from the bundled sample: run `npm run golden` after an intended change', async () => {
    for (const [file, text] of Object.entries(await goldenReports())) {
      expect(readFileSync(`${ROOT}${file}`, 'utf8'), `${file} is out of date: run npm run golden`).toBe(text);
    }
  });
});
