// The benchmark's yardstick: read a JSON Lines file and JSON.parse every line, keeping every
// parsed document in memory (an audit must hold the posts too). Nothing else: no validation, no
// metrics. `node bench/parse-child.js <file>` prints the number of documents.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/parse-child.js <file>\n');
  process.exit(2);
}
const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
const docs = [];
for await (const line of lines) if (line !== '') docs.push(JSON.parse(line));
process.stdout.write(`${docs.length}\n`);
