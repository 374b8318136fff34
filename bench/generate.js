// Deterministic generator of social-audit posts files (docs/normalized-format.md, JSON Lines
// spelling) for the benchmark. Plain JavaScript so it runs on Node 20 without a TypeScript step.
//
//   node bench/generate.js <posts> <file>
//
// The same count always gives the same bytes: a seeded PRNG, no clock, no Math.random.
import { closeSync, openSync, writeSync } from 'node:fs';

/** mulberry32: small, fast, deterministic. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWEPOCH = 1288834974657n;
/** An X snowflake id for an instant (sequence bits from `seq`), so ids encode times as real ones do. */
function snowflake(ms, seq) {
  return (((BigInt(ms) - TWEPOCH) << 22n) | BigInt(seq & 0x3fffff)).toString();
}

export const BENCH_ACCOUNT = {
  platform: 'x',
  id: '1177002001',
  handle: 'CascadiaRoads',
  displayName: 'Cascadia Road Info',
  website: 'https://roads.cascadia.example',
  url: 'https://x.com/CascadiaRoads',
};
/** The newest post's time: fixed, so the files do not depend on the day they are made. */
export const NEWEST_MS = Date.UTC(2026, 4, 31, 18, 0, 0);

const WORDS = (
  'road closure crews lane highway bridge snow plow ice rain wind traffic delay detour ferry ' +
  'crash cleared reopened overnight morning evening north south east west exit ramp pass summit ' +
  'chains tires conditions update expect travel advisory avalanche control work zone speed ' +
  'reduced flagging crew sweeping grading paving culvert washout rockfall slide debris'
).split(' ');
const PLACES = ['Hwy 1', 'Hwy 97', 'Hwy 5', 'Coquihalla', 'Sea to Sky', 'Malahat', 'Pattullo', 'Kicking Horse', 'Rogers Pass', 'Knight St'];
const TAGS = ['BCHwy1', 'BCHwy97', 'DriveBC', 'Coquihalla', 'winterdriving', 'roadsafety', 'BCStorm', 'ShipItSafe'];
const OTHER_DOMAINS = ['news.example.com', 'weather.example.org', 'transit.example.net', 'city.example.gov'];
const CANNED = [
  'Thanks for letting us know, we have passed this on to the maintenance contractor.',
  'Sorry for the trouble! Please report road hazards to the contractor line so a crew can check.',
  'Thanks for the report. Crews are on the way to assess.',
  'Hi there, please send us a DM with the exact location and we will look into it.',
];
const USERS = 5000;

function userOf(n) {
  return { id: String(200_000_000 + n), handle: `driver_${n.toString(36)}` };
}

/**
 * The vocabulary: the road words first (the most frequent), then made-up words from syllables,
 * 6,000 in all, drawn with Zipf's law (the r-th word about 1/r as often as the first), as words in
 * real posts are: a few very common, most rare.
 */
const SYLLABLES = 'ka lo mi ne ru sa te vi do pa ge bu li ro na fe ma ti ko se'.split(' ');
const VOCABULARY = (() => {
  const words = [...WORDS];
  const syllableRand = prng(7);
  while (words.length < 6000) {
    const n = 2 + Math.floor(syllableRand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(syllableRand() * SYLLABLES.length)];
    words.push(w);
  }
  return words;
})();
const ZIPF_CUMULATIVE = (() => {
  const c = new Float64Array(VOCABULARY.length);
  let sum = 0;
  for (let r = 0; r < VOCABULARY.length; r++) c[r] = sum += 1 / (r + 1) ** 1.05;
  for (let r = 0; r < c.length; r++) c[r] /= sum;
  return c;
})();

function zipfWord(rand) {
  const x = rand();
  let lo = 0;
  let hi = ZIPF_CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CUMULATIVE[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo];
}

function sentence(rand, min, max) {
  const n = min + Math.floor(rand() * (max - min + 1));
  const out = [];
  for (let i = 0; i < n; i++) out.push(zipfWord(rand));
  return out.join(' ');
}

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

/**
 * The posts, newest first (the order a fetch writes them), as JSON strings, one per call.
 * Mix (shares of items): 30% originals (half with a link, some to the own website), 32% replies to
 * other people (targets with ids, authors, and a target time on half; the rest derive it from the
 * snowflake id; 15% of them are canned templates), 10% self-thread continuations (replies to the
 * account's previous post), 16% reposts, 8% quotes, 4% replies addressed to a user with no target post.
 * Hashtags on a third, mentions on replies and some originals. Gaps between posts: 1 s to ~15 min.
 */
export function* generatePosts(count, seed = 42) {
  const rand = prng(seed ^ count);
  let ms = NEWEST_MS;
  // Times are made newest first; a self-thread continuation needs its (older) parent, which is the
  // next post generated: so the parent's id is decided one step ahead.
  let nextId = snowflake(ms, 0);
  for (let i = 0; i < count; i++) {
    const id = nextId;
    const createdMs = ms;
    ms -= 1000 + Math.floor(rand() * 900_000);
    nextId = snowflake(ms, i + 1);
    const r = rand();
    const post = {
      id,
      platform: 'x',
      url: `https://x.com/CascadiaRoads/status/${id}`,
      author: { id: BENCH_ACCOUNT.id, handle: BENCH_ACCOUNT.handle },
      createdAt: new Date(createdMs).toISOString(),
      text: '',
      visibility: 'public',
      replyTo: null,
      quoteOf: null,
      repostOf: null,
      links: [],
      mentions: [],
      hashtags: [],
      conversationId: id,
    };
    const other = userOf(Math.floor(rand() * USERS));
    const targetMs = createdMs - 30_000 - Math.floor(rand() * rand() * 3 * 86_400_000);
    const targetId = snowflake(targetMs, i);
    const ref = () => ({
      id: targetId,
      url: `https://x.com/${other.handle}/status/${targetId}`,
      author: { ...other },
      createdAt: rand() < 0.5 ? new Date(targetMs).toISOString() : null,
    });
    if (r < 0.3) {
      const place = pick(rand, PLACES);
      post.text = `${place}: ${sentence(rand, 8, 22)}.`;
      if (rand() < 0.5) {
        const own = rand() < 0.4;
        const link = own
          ? `${BENCH_ACCOUNT.website}/${place.toLowerCase().replace(/\s+/g, '-')}/${i % 997}`
          : `https://${pick(rand, OTHER_DOMAINS)}/story/${i}`;
        post.links.push(link);
        post.text += ` ${link}`;
        if (own && rand() < 0.3) post.text = `Check out our ${post.text}`;
      }
      if (rand() < 0.15) {
        post.mentions.push({ ...other });
        post.text += ` @${other.handle}`;
      }
    } else if (r < 0.62) {
      post.replyTo = ref();
      post.conversationId = targetId;
      post.mentions.push({ ...other });
      // A sixth of the answers are templates, some with a closing line added (near-duplicates).
      const canned = rand() < 0.16 ? `${pick(rand, CANNED)}${rand() < 0.3 ? ' Stay safe out there.' : ''}` : null;
      post.text = `@${other.handle} ${canned ?? `${sentence(rand, 6, 24)}.`}`;
    } else if (r < 0.72) {
      post.replyTo = {
        id: nextId,
        url: `https://x.com/CascadiaRoads/status/${nextId}`,
        author: { id: BENCH_ACCOUNT.id, handle: BENCH_ACCOUNT.handle },
        createdAt: new Date(ms).toISOString(),
      };
      post.conversationId = nextId;
      post.text = `${sentence(rand, 10, 30)}. (${1 + (i % 5)}/)`;
    } else if (r < 0.88) {
      post.repostOf = ref();
      post.conversationId = targetId;
    } else if (r < 0.96) {
      post.quoteOf = ref();
      post.text = `${sentence(rand, 5, 18)}.`;
    } else {
      post.replyTo = { id: null, url: null, author: { ...other }, createdAt: null };
      post.mentions.push({ ...other });
      post.text = `@${other.handle} ${sentence(rand, 6, 20)}?`;
    }
    if (post.repostOf === null && rand() < 0.33) {
      const tag = pick(rand, TAGS);
      post.hashtags.push(tag);
      post.text += ` #${tag}`;
    }
    yield JSON.stringify(post);
  }
}

/** The header line of the file. */
export function headerLine() {
  return JSON.stringify({
    format: 'social-audit/posts',
    version: 1,
    account: BENCH_ACCOUNT,
    fetchedAt: new Date(NEWEST_MS + 3_600_000).toISOString(),
    complete: true,
  });
}

/** Writes `count` posts to `file` in the JSON Lines spelling; returns the file's size in bytes. */
export function writePostsFile(file, count, seed = 42) {
  const fd = openSync(file, 'w');
  let bytes = 0;
  let buf = `${headerLine()}\n`;
  try {
    for (const line of generatePosts(count, seed)) {
      buf += `${line}\n`;
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf);
        buf = '';
      }
    }
    bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return { bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2]);
  const file = process.argv[3];
  if (!Number.isInteger(count) || count < 0 || !file) {
    process.stderr.write('usage: node bench/generate.js <posts> <file>\n');
    process.exit(2);
  }
  const { bytes } = writePostsFile(file, count);
  process.stdout.write(`${count} posts, ${bytes} bytes → ${file}\n`);
}
