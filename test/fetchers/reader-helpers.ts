/** Helpers shared by the reader tests: input trees, draining posts, and the kind rule. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import type { InputTree } from '../../src/fetchers/types.js';
import type { AuthorRef, Post } from '../../src/model/post.js';

/** An `InputTree` over in-memory entries (names relative to the root, `/`-separated). */
export function memoryTree(files: Record<string, string>, kind: InputTree['kind'] = 'dir', path = '/in/archive'): InputTree {
  return {
    kind,
    path,
    entries: () => Object.keys(files),
    readText: async (name) => {
      const text = files[name];
      if (text === undefined) throw new InputError(`${path}/${name}`, 'no such entry');
      return text;
    },
  };
}

/** An `InputTree` over a real folder, two levels deep (enough for the archive layouts tested). */
export async function dirTree(root: string): Promise<InputTree> {
  const names: string[] = [];
  for (const name of await readdir(root)) {
    if ((await stat(join(root, name))).isDirectory()) {
      for (const inner of await readdir(join(root, name))) names.push(`${name}/${inner}`);
    } else names.push(name);
  }
  return {
    kind: 'dir',
    path: root,
    entries: () => names,
    readText: async (name) => (await readFile(join(root, name), 'utf8')).replace(/^\uFEFF/, ''),
  };
}

/** Drains a reader's posts (Node 20 has no `Array.fromAsync`). */
export async function drain(posts: AsyncGenerator<Post>): Promise<Post[]> {
  const out: Post[] = [];
  for await (const post of posts) out.push(post);
  return out;
}

/**
 * The kind rule of metrics.md §2 (repost, then reply, then quote, else original; split by whether the
 * target's author is the account), restated in a few lines so reader tests can state expected kinds
 * per scenario row without depending on src/metrics.
 */
export function kindOf(post: Post, owner: AuthorRef): string {
  const self = (a: AuthorRef): boolean =>
    (a.id !== null && a.id === owner.id) ||
    (a.handle !== null && owner.handle !== null && a.handle.toLowerCase() === owner.handle.toLowerCase());
  if (post.repostOf) return self(post.repostOf.author) ? 'repost.toSelf' : 'repost.toOther';
  if (post.replyTo) return self(post.replyTo.author) ? 'reply.toSelf' : 'reply.toOther';
  if (post.quoteOf) return self(post.quoteOf.author) ? 'quote.toSelf' : 'quote.toOther';
  return 'original';
}
