#!/usr/bin/env node
// Builds fixtures/sample/cascadia-roads-archive.zip: an X account archive of a FICTIONAL
// road-information agency, "Cascadia Road Info" (@CascadiaRoads), for October 2026. Every name,
// id and link is invented (links use the reserved .example TLD). The archive follows the real
// layout (data/tweets.js, data/account.js, data/profile.js; see ../shared/spec/platforms.md §2)
// and is deterministic: run `npm run build && node scripts/make-sample.js` to rebuild it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeZip } from '../dist/util/zip-writer.js';

const ACCOUNT = { id: '1166842715371442176', username: 'CascadiaRoads', name: 'Cascadia Road Info' };
const SITE = 'https://roads.cascadia.example';
const EPOCH = 1288834974657n;

let seed = 20261001;
function rand() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = (list) => list[Math.floor(rand() * list.length)];

function snowflake(ms) {
  return (((BigInt(ms) - EPOCH) << 22n) | BigInt(Math.floor(rand() * 4194304))).toString();
}
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function twitterDate(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

const HIGHWAYS = ['Hwy 1', 'Hwy 3', 'Hwy 5', 'Hwy 16', 'Hwy 97', 'Hwy 99'];
const PLACES = ['Hope', 'Merritt', 'Revelstoke', 'Pemberton', 'Prince George', 'Kamloops', 'Osoyoos', 'Golden'];
const EVENTS = ['a vehicle incident', 'a rock slide', 'bridge maintenance', 'avalanche control', 'a fuel spill', 'paving'];
const TRAVELLERS = [
  ['kamloops_kate', '1402259985126469632'], ['trucker_dan88', '1385551203948875776'], ['merritt_mo', '1412239844558557184'],
  ['hopeful_hiker', '1290343409928691712'], ['pg_commuter', '1444478223390085120'], ['osoyoos_olga', '1367726633102983168'],
  ['golden_gus', '1398873216522473472'], ['vanlife_vic', '1421013657779310592'], ['revy_rae', '1376645330146295808'],
  ['skier_sam', '1433342905137057792'],
];
const PARTNERS = [['CascadiaWeather', '1180021230917316608'], ['CascadiaFire', '1177651380224249856']];

const tweets = [];
function push(t) {
  tweets.push(t);
  return t;
}
function base(ms, text, entities = {}) {
  const id = snowflake(ms);
  return {
    edit_info: { initial: { editTweetIds: [id], editableUntil: new Date(ms + 3600_000).toISOString(), editsRemaining: '5', isEditEligible: true } },
    retweeted: false,
    source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: [], ...entities },
    display_text_range: ['0', String([...text].length)],
    favorite_count: String(Math.floor(rand() * 40)),
    id_str: id,
    truncated: false,
    retweet_count: String(Math.floor(rand() * 15)),
    id,
    created_at: twitterDate(ms),
    favorited: false,
    full_text: text,
    lang: 'en',
  };
}
function link(text, path) {
  const code = Math.floor(rand() * 1e10).toString(36).padEnd(10, 'x');
  const url = `https://t.co/${code}`;
  const start = [...text].length + 1;
  return {
    text: `${text} ${url}`,
    url: { url, expanded_url: `${SITE}${path}`, display_url: `roads.cascadia.example${path}`.slice(0, 26) + '…', indices: [String(start), String(start + url.length)] },
  };
}
function tag(text, name) {
  const start = text.indexOf(`#${name}`);
  return { text: name, indices: [String(start), String(start + name.length + 1)] };
}

const START = Date.UTC(2026, 9, 1, 7, 0, 0);
const DAY = 86_400_000;
const own = [];
for (let day = 0; day < 31; day++) {
  const dayStart = START + day * DAY;
  // Two to three road-event broadcasts a day, each with a link to the agency's own event page.
  const events = 2 + (day % 3 === 0 ? 1 : 0);
  for (let e = 0; e < events; e++) {
    const ms = dayStart + Math.floor((1 + e * 4 + rand() * 3) * 3600_000) + Math.floor(rand() * 1000);
    const hwy = pick(HIGHWAYS);
    const place = pick(PLACES);
    const l = link(`${hwy} near ${place} is down to one lane for ${pick(EVENTS)}. Expect delays. #CascadiaRoads`, `/events/CR-${58000 + tweets.length}`);
    const t = push(base(ms, l.text, { urls: [l.url], hashtags: [tag(l.text, 'CascadiaRoads')] }));
    own.push(t);
    // Some events get a self-thread update an hour or two later.
    if (rand() < 0.18) {
      const ums = ms + Math.floor((1 + rand() * 2) * 3600_000);
      const u = base(ums, `UPDATE: ${hwy} near ${place} is fully open again. Thanks for your patience.`);
      Object.assign(u, {
        in_reply_to_status_id_str: t.id_str, in_reply_to_status_id: t.id_str,
        in_reply_to_user_id: ACCOUNT.id, in_reply_to_user_id_str: ACCOUNT.id, in_reply_to_screen_name: ACCOUNT.username,
      });
      push(u);
    }
  }
  // About one traveller question a day gets an answer, after anything from minutes to a day and a half.
  if (rand() < 0.85) {
    const [who, whoId] = pick(TRAVELLERS);
    const askedMs = dayStart + Math.floor((2 + rand() * 12) * 3600_000) + Math.floor(rand() * 1000);
    const latencies = [6, 14, 25, 40, 75, 130, 240, 420, 900, 1800];
    const waitMin = pick(latencies) + Math.floor(rand() * 10);
    const replyMs = askedMs + waitMin * 60_000 + Math.floor(rand() * 60_000);
    const askedId = snowflake(askedMs);
    const answer = pick([
      `Yes, the detour via ${pick(PLACES)} is open to all vehicles.`,
      'Crews expect to clear it within the hour; check the event page for updates.',
      'Chains are required past the summit until further notice.',
      'Thanks for the report, we have passed it on to the maintenance contractor.',
      'No closures planned there this weekend.',
    ]);
    const text = `@${who} ${answer}`;
    const r = base(replyMs, text, {
      user_mentions: [{ name: who, screen_name: who, indices: ['0', String(who.length + 1)], id_str: whoId, id: whoId }],
    });
    Object.assign(r, {
      in_reply_to_status_id_str: askedId, in_reply_to_status_id: askedId,
      in_reply_to_user_id: whoId, in_reply_to_user_id_str: whoId, in_reply_to_screen_name: who,
    });
    push(r);
  }
  // Reposts of partner agencies every other day.
  if (day % 2 === 0) {
    const [partner, partnerId] = pick(PARTNERS);
    const ms = dayStart + Math.floor((6 + rand() * 8) * 3600_000);
    const text = `RT @${partner}: ${pick(['Heavy snowfall warning for mountain passes tonight.', 'Smoke advisory in the Interior: reduce speed.', 'Wind warning for the coast this afternoon.'])}`;
    push(base(ms, text, {
      user_mentions: [{ name: partner, screen_name: partner, indices: ['3', String(3 + partner.length + 1)], id_str: partnerId, id: partnerId }],
    }));
  }
  // Promotion of the agency's app and awards, twice a week.
  if (day % 4 === 1) {
    const ms = dayStart + Math.floor((9 + rand() * 3) * 3600_000);
    const l = link(
      pick([
        'Download our free Cascadia Roads app for closure alerts on your phone! #DriveSmartCascadia',
        "We're proud to share that our road-conditions site won a public-service award. #DriveSmartCascadia",
        'Follow us for winter driving tips all season long. #DriveSmartCascadia',
      ]),
      '/app?utm_source=x&utm_campaign=fall2026',
    );
    push(base(ms, l.text, { urls: [l.url], hashtags: [tag(l.text, 'DriveSmartCascadia')] }));
  }
  // A quote of a partner's post once a week.
  if (day % 7 === 3) {
    const [partner] = pick(PARTNERS);
    const ms = dayStart + Math.floor((10 + rand() * 4) * 3600_000);
    const quoted = snowflake(ms - 3 * 3600_000);
    const text = 'Please plan ahead if you are crossing the passes this weekend.';
    const url = `https://t.co/${Math.floor(rand() * 1e10).toString(36)}`;
    push(base(ms, `${text} ${url}`, {
      urls: [{ url, expanded_url: `https://x.com/${partner}/status/${quoted}`, display_url: `x.com/${partner}/status/…`, indices: [String(text.length + 1), String(text.length + 1 + url.length)] }],
    }));
  }
}

const js = (name, rows) => `window.YTD.${name}.part0 = ${JSON.stringify(rows, null, 2).replace(/": /g, '" : ')}`;
const files = [
  { name: 'data/tweets.js', data: js('tweets', tweets.map((tweet) => ({ tweet }))) },
  {
    name: 'data/account.js',
    data: js('account', [{ account: { email: 'social@cascadia.example', createdVia: 'web', username: ACCOUNT.username, accountId: ACCOUNT.id, createdAt: '2019-08-28T23:11:45.000Z', accountDisplayName: ACCOUNT.name } }]),
  },
  {
    name: 'data/profile.js',
    data: js('profile', [{ profile: { description: { bio: 'Official road conditions for the (fictional) Cascadia highway network. Not monitored 24/7.', website: SITE, location: 'Cascadia' }, avatarMediaUrl: 'https://pbs.twimg.com/profile_images/000/sample.jpg' } }]),
  },
  { name: 'README.txt', data: 'Sample X archive of a fictional agency, generated by scripts/make-sample.js for social-audit.\n' },
];
mkdirSync(new URL('../fixtures/sample/', import.meta.url), { recursive: true });
writeFileSync(new URL('../fixtures/sample/cascadia-roads-archive.zip', import.meta.url), writeZip(files));
console.log(`wrote fixtures/sample/cascadia-roads-archive.zip with ${tweets.length} tweets`);
