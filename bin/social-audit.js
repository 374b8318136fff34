#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm ci` via the prepare script).
import { main } from '../dist/cli.js';

// Ctrl-C: one line, no stack, exit 130 (metrics.md §7).
process.once('SIGINT', () => {
  process.stderr.write('\nsocial-audit: interrupted\n');
  process.exit(130);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
