import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Real public posts that nobody on the team wrote, in `../shared/real-data/` beside the
 * repository (see its README). Their licences forbid copying them into the repository, so tests
 * read them in place and skip, with a message, when the folder is absent (a user's clone).
 */
export const REAL_DATA = fileURLToPath(new URL('../../../shared/real-data', import.meta.url));
export const hasRealData = existsSync(REAL_DATA);

if (!hasRealData) {
  console.warn(`real-data tests skipped: ${REAL_DATA} is absent (it lives beside the repository, not in it)`);
}
