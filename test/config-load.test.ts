import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { accountConfig, DEFAULT_CONFIG_FILE, loadConfig, scoringModel } from '../src/config-load.js';
import type { Config } from '../src/config.js';
import { InputError } from '../src/errors.js';
import { DEFAULT_SCORING_MODEL } from '../src/scoring/model.js';
import { tempDir } from './helpers/zip.js';

const dirs: ReturnType<typeof tempDir>[] = [];
function temp(): ReturnType<typeof tempDir> {
  const t = tempDir('social-audit-config-');
  dirs.push(t);
  return t;
}
afterEach(() => {
  for (const t of dirs.splice(0)) t.cleanup();
});

/** The InputError a promise rejects with. */
async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.exitCode).toBe(2);
  expect(e.message).not.toContain('\n');
  return e;
}

describe('loadConfig (metrics.md §8)', () => {
  it('reads an explicit --config path', async () => {
    const t = temp();
    const path = t.file('team.json', JSON.stringify({ ownHashtags: ['BCHwy97'], scoring: { threshold: 70 } }));
    const loaded = await loadConfig(path, '/nonexistent-cwd');
    expect(loaded).toEqual({ path, config: { ownHashtags: ['BCHwy97'], scoring: { threshold: 70 } } });
  });

  it('picks up social-audit.config.json in the working folder', async () => {
    const t = temp();
    t.file(DEFAULT_CONFIG_FILE, '\uFEFF{"$schema": "./schema/config.schema.json", "affiliates": ["BCFireUpdates"]}');
    const loaded = await loadConfig(undefined, t.dir);
    expect(loaded.path).toBe(join(t.dir, DEFAULT_CONFIG_FILE));
    expect(loaded.config).toEqual({ $schema: './schema/config.schema.json', affiliates: ['BCFireUpdates'] });
  });

  it('an explicit path wins over the file in the working folder', async () => {
    const t = temp();
    t.file(DEFAULT_CONFIG_FILE, '{"ownHashtags": ["fromCwd"]}');
    const path = t.file('explicit.json', '{"ownHashtags": ["explicit"]}');
    expect((await loadConfig(path, t.dir)).config).toEqual({ ownHashtags: ['explicit'] });
  });

  it('no default file: an empty config, no path', async () => {
    const t = temp();
    expect(await loadConfig(undefined, t.dir)).toEqual({ config: {}, path: null });
  });

  it('a missing explicit file is an error naming it', async () => {
    const t = temp();
    const path = join(t.dir, 'missing.json');
    const err = await inputError(loadConfig(path, t.dir));
    expect(err.path).toBe(path);
    expect(err.message).toBe(`${path}: config file not found; check the --config path`);
  });

  it('invalid JSON is an error naming the file', async () => {
    const t = temp();
    const path = t.file('broken.json', '{"ownHashtags": [');
    const err = await inputError(loadConfig(path, t.dir));
    expect(err.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is not valid JSON \\(.+\\); fix the config file$`));
  });

  it.each([
    [{ ownHashtagz: [] }, 'ownHashtagz'],
    [{ scoring: { curves: { replyRatioo: [[0, 0]] } } }, 'scoring.curves.replyRatioo'],
    [{ scoring: { weights: { speed: 10 } } }, 'scoring.weights.speed'],
    [{ selfPromotion: { phrases: [], extra: true } }, 'selfPromotion.extra'],
    [{ accounts: { '@RoadInfoBC': { scoring: { treshold: 50 } } } }, 'accounts.@RoadInfoBC.scoring.treshold'],
  ])('an unknown key is an error naming it: %j', async (config, key) => {
    const t = temp();
    const path = t.file('c.json', JSON.stringify(config));
    const err = await inputError(loadConfig(path, t.dir));
    expect(err.message).toContain(`unknown config key ${key};`);
    expect(err.message.startsWith(`${path}: `)).toBe(true);
  });

  it.each([
    [{ ownHashtags: 'BCHwy97' }, 'ownHashtags'],
    [{ scoring: { weights: { mix: -1 } } }, 'scoring.weights.mix'],
    [{ scoring: { threshold: 101 } }, 'scoring.threshold'],
    [{ scoring: { latencyFullAt: 2.5 } }, 'scoring.latencyFullAt'],
    [{ scoring: { curves: { mix: [[0.5, 1], [0.2, 0]] } } }, 'scoring.curves.mix'],
    [{ timeZone: 7 }, 'timeZone'],
    [[], '(top level)'],
  ])('a wrong type is an error naming the key: %j', async (config, key) => {
    const t = temp();
    const path = t.file('c.json', JSON.stringify(config));
    const err = await inputError(loadConfig(path, t.dir));
    expect(err.message).toContain(`config key ${key}: `);
  });
});

describe('accountConfig: the accounts map (metrics.md §8)', () => {
  const config: Config = {
    $schema: './schema/config.schema.json',
    ownDomains: ['roadinfobc.example'],
    ownHashtags: ['BCHwy97'],
    affiliates: ['TranBC'],
    timeZone: 'America/Vancouver',
    scoring: {
      curves: { replyRatio: [[0, 0], [1, 1]], mix: [[0, 0], [0.5, 1]] },
      weights: { replyRatio: 10, mix: 40 },
      threshold: 55,
    },
    accounts: {
      '@RoadInfoBC': {
        ownHashtags: ['DriveSafe'],
        selfPromotion: { phrases: ['download the free'] },
        scoring: {
          curves: { mix: [[0, 0], [0.3, 1]], selfPromotion: [[0, 1], [1, 0]] },
          weights: { mix: 20, responseLatency: 50 },
          latencyFullAt: 5,
        },
      },
      'drivebc.bsky.social': { timeZone: 'UTC' },
    },
  };

  it('without a handle or a matching entry: the top-level settings, without $schema and accounts', () => {
    const base = {
      ownDomains: ['roadinfobc.example'],
      ownHashtags: ['BCHwy97'],
      affiliates: ['TranBC'],
      timeZone: 'America/Vancouver',
      scoring: config.scoring,
    };
    expect(accountConfig(config, null)).toEqual(base);
    expect(accountConfig(config, 'SomeoneElse')).toEqual(base);
    expect(accountConfig({}, 'RoadInfoBC')).toEqual({});
  });

  it('the entry wins key by key; curves and weights merge per metric', () => {
    const merged = accountConfig(config, 'RoadInfoBC');
    expect(merged).toEqual({
      ownDomains: ['roadinfobc.example'], // top level: the entry does not set it
      ownHashtags: ['DriveSafe'], // the entry replaces the list, it does not add to it
      affiliates: ['TranBC'],
      timeZone: 'America/Vancouver',
      selfPromotion: { phrases: ['download the free'] },
      scoring: {
        curves: {
          replyRatio: [[0, 0], [1, 1]], // top level
          mix: [[0, 0], [0.3, 1]], // entry
          selfPromotion: [[0, 1], [1, 0]], // entry
        },
        weights: { replyRatio: 10, mix: 20, responseLatency: 50 },
        threshold: 55, // top level
        latencyFullAt: 5, // entry
      },
    });
  });

  it.each(['RoadInfoBC', 'roadinfobc', '@ROADINFOBC', '@RoadInfoBC'])('handle %s finds the @RoadInfoBC entry', (handle) => {
    expect(accountConfig(config, handle).ownHashtags).toEqual(['DriveSafe']);
  });

  it('an entry keyed without @ matches a handle written with one, and case does not matter', () => {
    expect(accountConfig(config, '@DriveBC.bsky.social').timeZone).toBe('UTC');
    expect(accountConfig({ accounts: { roadinfobc: { affiliates: ['x'] } } }, '@RoadInfoBC').affiliates).toEqual(['x']);
  });

  it('does not change the config it reads', () => {
    const before = structuredClone(config);
    accountConfig(config, 'RoadInfoBC');
    expect(config).toEqual(before);
  });
});

describe('scoringModel (metrics.md §4)', () => {
  it('no scoring settings: the defaults, as a copy', () => {
    const model = scoringModel({}, null);
    expect(model).toEqual(DEFAULT_SCORING_MODEL);
    model.weights.mix = 0;
    model.curves.mix[0] = [0, 0.5];
    expect(scoringModel({}, null).weights.mix).toBe(25);
    expect(DEFAULT_SCORING_MODEL.curves.mix[0]).toEqual([0, 0]);
  });

  it('applies curves, weights, threshold and latencyFullAt per metric, leaving the rest at the defaults', () => {
    const model = scoringModel(
      {
        scoring: {
          curves: { responseLatency: [[600, 1], [7200, 0]] },
          weights: { responseLatency: 0, selfPromotion: 5 },
          threshold: 75,
          latencyFullAt: 3,
        },
      },
      'c.json',
    );
    expect(model).toEqual({
      ...DEFAULT_SCORING_MODEL,
      curves: { ...DEFAULT_SCORING_MODEL.curves, responseLatency: [[600, 1], [7200, 0]] },
      weights: { replyRatio: 25, responseLatency: 0, mix: 25, selfPromotion: 5, responseRate: 30 },
      threshold: 75,
      latencyFullAt: 3,
    });
  });

  it('reads the merged account entry', () => {
    const cfg = accountConfig(
      { scoring: { weights: { mix: 1 } }, accounts: { RoadInfoBC: { scoring: { weights: { replyRatio: 2 } } } } },
      'roadinfobc',
    );
    expect(scoringModel(cfg, null).weights).toEqual({ replyRatio: 2, responseLatency: 30, mix: 1, selfPromotion: 20, responseRate: 30 });
  });

  it('all-zero weights are an error naming the config file', async () => {
    const zero = { replyRatio: 0, responseLatency: 0, mix: 0, selfPromotion: 0 };
    expect(() => scoringModel({ scoring: { weights: zero } }, 'team.json')).toThrow(InputError);
    expect(() => scoringModel({ scoring: { weights: zero } }, 'team.json')).toThrow(
      'team.json: scoring.weights of replyRatio, responseLatency, mix, selfPromotion are all 0; give at least one of them a weight',
    );
    expect(() => scoringModel({ scoring: { weights: zero } }, null)).toThrow(/^config: scoring\.weights of replyRatio/);
    // One weight left is enough.
    expect(scoringModel({ scoring: { weights: { ...zero, mix: 1 } } }, null).weights.mix).toBe(1);
  });
});

describe('accountConfig: a Mastodon entry written without its server', () => {
  it('applies to the account on any server when no entry names the server', () => {
    const config = { ownHashtags: ['top'], accounts: { '@RoadInfoBC': { ownHashtags: ['entry'] } } };
    expect(accountConfig(config, 'RoadInfoBC@mstdn.bc.example').ownHashtags).toEqual(['entry']);
  });

  it('an entry with the exact server wins over one without', () => {
    const config = {
      accounts: { '@RoadInfoBC': { ownHashtags: ['bare'] }, '@roadinfobc@mstdn.bc.example': { ownHashtags: ['exact'] } },
    };
    expect(accountConfig(config, 'RoadInfoBC@mstdn.bc.example').ownHashtags).toEqual(['exact']);
  });

  it('an entry naming another server does not apply', () => {
    const config = { accounts: { '@RoadInfoBC@other.example': { ownHashtags: ['other'] } } };
    expect(accountConfig(config, 'RoadInfoBC@mstdn.bc.example').ownHashtags).toBeUndefined();
  });
});
