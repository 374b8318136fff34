import { describe, expect, it } from 'vitest';
import { handleMatches, parseAccountArg } from '../src/account.js';

describe('parseAccountArg (addressing)', () => {
  it.each([
    ['@DriveBC', 'x', 'DriveBC', null],
    ['DriveBC', 'x', 'DriveBC', null],
    ['x:DriveBC', 'x', 'DriveBC', null],
    ['@RoadInfoBC@mstdn.bc.example', 'mastodon', 'RoadInfoBC@mstdn.bc.example', 'mstdn.bc.example'],
    ['mastodon:RoadInfoBC@mstdn.bc.example', 'mastodon', 'RoadInfoBC@mstdn.bc.example', 'mstdn.bc.example'],
    ['drivebc.bsky.social', 'bluesky', 'drivebc.bsky.social', null],
    ['@roadinfobc.example', 'bluesky', 'roadinfobc.example', null],
    ['did:plc:ubudpurydqvit3dhdnx4v6sv', 'bluesky', 'did:plc:ubudpurydqvit3dhdnx4v6sv', null],
    ['bsky:benoist.dev', 'bluesky', 'benoist.dev', null],
  ])('%s → %s %s', (raw, platform, handle, server) => {
    expect(parseAccountArg(raw)).toMatchObject({ platform, handle, server });
  });

  it('a bare @name follows --platform', () => {
    expect(parseAccountArg('@dealingwith', 'mastodon')).toMatchObject({ platform: 'mastodon', handle: 'dealingwith' });
  });

  it('rejects what no platform would accept', () => {
    expect(() => parseAccountArg('@this_name_is_far_too_long')).toThrow(/not a valid X account/);
    expect(() => parseAccountArg('@bad name')).toThrow(/not a valid X account/);
  });

  it('matches handles case-insensitively, Mastodon on the local part when a server is missing', () => {
    expect(handleMatches(parseAccountArg('@repjeffduncan'), 'RepJeffDuncan', null)).toBe(true);
    const m = parseAccountArg('@dealingwith@indieweb.social');
    expect(handleMatches(m, 'dealingwith@indieweb.social', null)).toBe(true);
    expect(handleMatches(m, 'dealingwith', null)).toBe(true);
    expect(handleMatches(m, 'dealingwith@other.example', null)).toBe(false);
  });
});
