import { UsageError } from './errors.js';
import type { Platform } from './model/post.js';

/** An account as the user named it on the command line (metrics.md §7, issue "Addressing"). */
export interface AccountArg {
  /** What the user typed, for messages. */
  raw: string;
  platform: Platform;
  /** Handle without `@` (`RoadInfoBC`, `RoadInfoBC@mstdn.bc.example`, `roadinfobc.example`) or a DID. */
  handle: string;
  /** Mastodon server named in `@user@server`, if any. */
  server: string | null;
}

const X_HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const MASTODON = /^([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::\d+)?)$/;
const BSKY_HANDLE = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;

/**
 * Reads an account argument: `@name` is X unless `--platform` says otherwise; `@user@server` is
 * Mastodon; a handle with a dot or a `did:` is Bluesky; `x:`, `mastodon:` and `bsky:` prefixes
 * force the platform.
 */
export function parseAccountArg(raw: string, defaultPlatform: Platform = 'x'): AccountArg {
  const value = raw.trim();
  const prefixed = /^(x|twitter|mastodon|bsky|bluesky):(.+)$/i.exec(value);
  let platform: Platform | null = null;
  let rest = value;
  if (prefixed) {
    const p = (prefixed[1] ?? '').toLowerCase();
    platform = p === 'x' || p === 'twitter' ? 'x' : p === 'mastodon' ? 'mastodon' : 'bluesky';
    rest = prefixed[2] ?? '';
  }
  if (DID.test(rest)) {
    return check({ raw, platform: platform ?? 'bluesky', handle: rest, server: null });
  }
  const bare = rest.replace(/^@/, '');
  const masto = MASTODON.exec(bare);
  if (masto && (platform === null || platform === 'mastodon')) {
    return { raw, platform: 'mastodon', handle: bare, server: masto[2] ?? null };
  }
  if (platform === null) {
    if (bare.includes('.')) platform = 'bluesky';
    else platform = defaultPlatform;
  }
  return check({ raw, platform, handle: bare, server: null });
}

function check(arg: AccountArg): AccountArg {
  const ok =
    arg.platform === 'x'
      ? X_HANDLE.test(arg.handle)
      : arg.platform === 'bluesky'
        ? BSKY_HANDLE.test(arg.handle) || DID.test(arg.handle)
        : /^[A-Za-z0-9_.-]+$/.test(arg.handle);
  if (!ok) {
    const hint =
      arg.platform === 'x'
        ? 'an X handle is 1-15 letters, digits or underscores, as in @DriveBC'
        : arg.platform === 'bluesky'
          ? 'a Bluesky handle is a domain such as drivebc.bsky.social, or a did:plc:…'
          : 'a Mastodon account is written @user@server';
    throw new UsageError(`"${arg.raw}" is not a valid ${platformName(arg.platform)} account: ${hint}`);
  }
  return arg;
}

export function platformName(p: Platform): string {
  return p === 'x' ? 'X' : p === 'mastodon' ? 'Mastodon' : 'Bluesky';
}

/** Canonical comparison key of a handle: lower case, no leading `@`. */
export function handleKey(handle: string): string {
  return handle.replace(/^@/, '').toLowerCase();
}

/**
 * Whether a post author's handle names the account in `arg`. Mastodon handles match on the
 * local part, and on the server too when both sides name one.
 */
export function handleMatches(arg: AccountArg, handle: string | null, id: string | null): boolean {
  if (id !== null && id === arg.handle) return true;
  if (handle === null) return false;
  const a = handleKey(arg.handle);
  const b = handleKey(handle);
  if (a === b) return true;
  if (arg.platform === 'mastodon') {
    const [aUser, aHost] = a.split('@');
    const [bUser, bHost] = b.split('@');
    return aUser === bUser && (aHost === undefined || bHost === undefined || aHost === bHost);
  }
  return false;
}
