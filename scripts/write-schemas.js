// Writes the published JSON Schemas from the zod schemas (run after `npm run build`):
//   npm run schema
// test/schema/json-schema.test.ts fails when the committed files drift from these.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, formatJsonSchema, multiReportJsonSchema, reportJsonSchema } from '../dist/schema/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = [
  ['schema/report.schema.json', reportJsonSchema()],
  ['schema/config.schema.json', configJsonSchema()],
  ['schema/multi-report.schema.json', multiReportJsonSchema()],
];

await mkdir(join(root, 'schema'), { recursive: true });
for (const [file, schema] of outputs) {
  await writeFile(join(root, file), formatJsonSchema(schema));
  console.error(`wrote ${file}`);
}
