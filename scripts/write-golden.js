// Regenerates the golden sample reports from the bundled sample archive (run after `npm run build`):
//   npm run golden
// They keep the report contract visible in review: a change to any figure or field shows up as
// a diff of examples/. test/e2e/golden.test.ts fails when they drift.
import { writeFile } from 'node:fs/promises';
import { goldenReports } from '../dist/golden.js';

for (const [file, text] of Object.entries(await goldenReports())) {
  await writeFile(new URL(`../${file}`, import.meta.url), text);
  console.error(`wrote ${file}`);
}
