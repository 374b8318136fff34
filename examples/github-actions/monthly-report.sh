#!/usr/bin/env bash
# Monthly social-audit reports, as the example GitHub Actions workflow runs them
# (examples/github-actions/social-audit.yml) and as you can run them by hand.
#
# For each account in ACCOUNTS it audits one calendar month live and writes
#   reports/<YYYY-MM>/<account>.json   the JSON report (compared with the account's previous report)
#   reports/<YYYY-MM>/<account>.md     the same report in Markdown, readable on GitHub
# writes the job summary ($GITHUB_STEP_SUMMARY; standard output when it is not set): a table of
# every account, each account's trend over every saved month, then each report in full; and
# commits the reports.
#
# Environment (only ACCOUNTS is required):
#   ACCOUNTS                accounts, one per line or separated by spaces, written as for
#                           social-audit (@name for X, @user@server, name.bsky.social);
#                           lines starting with # are ignored
#   MONTH                   YYYY-MM to audit (default: the previous calendar month, UTC)
#   TIME_ZONE               IANA zone of the month, e.g. America/Vancouver (default: the config's
#                           timeZone, else UTC); not TZ, which would change every program's clock
#   SOCIAL_AUDIT_CONFIG     config file (default: social-audit.config.json here, if present)
#   SOCIAL_AUDIT_CACHE_DIR  the fetch cache folder (default: the tool's, ~/.cache/social-audit)
#   SOCIAL_AUDIT_API_URL    the platforms' base URL (a proxy, a self-hosted server, a test server)
#   SOCIAL_AUDIT_ARGS       further options for every audit, split on spaces (e.g. --no-inbound)
#   REPORTS_DIR             where the reports go (default: reports)
#   DRY_RUN                 true: only look the accounts up and estimate the requests (and X cost)
#                           a run would make; nothing is fetched, written or committed
#   COMMIT_REPORTS          true: git add + commit the reports (default: true in GitHub Actions)
#   X_BEARER_TOKEN, MASTODON_TOKEN   read by social-audit itself; never passed on a command line
#
# `git push` is run only in GitHub Actions (GITHUB_ACTIONS set). Exit status: 0 when every account
# was audited completely and passed; 1 when an audit failed, failed its --fail-under or config
# assertions, or is partial (the reports that were made are still written and committed).
set -euo pipefail

die() {
  echo "monthly-report: $*" >&2
  exit 2
}

command -v social-audit >/dev/null 2>&1 || die "social-audit is not on PATH; install it first (see examples/github-actions/README.md)"

# --- which month ------------------------------------------------------------------------------

# The month before YYYY-MM. Plain arithmetic, so it works with GNU and BSD date alike.
month_before() {
  local y=${1%-*} m=${1#*-}
  m=$((10#$m - 1))
  if ((m == 0)); then
    m=12
    y=$((10#$y - 1))
  fi
  printf '%04d-%02d\n' "$y" "$m"
}

MONTH=${MONTH:-}
if [[ -z $MONTH ]]; then
  MONTH=$(month_before "$(date -u +%Y-%m)")
fi
[[ $MONTH =~ ^[0-9]{4}-(0[1-9]|1[0-2])$ ]] || die "MONTH \"$MONTH\" is not a month; write it YYYY-MM, e.g. 2026-10"

# --- the accounts -----------------------------------------------------------------------------

accounts=()
while IFS= read -r line; do
  line=${line%%#*}
  read -r -a words <<<"$line" || true
  accounts+=(${words[@]+"${words[@]}"})
done <<<"${ACCOUNTS:-}"
((${#accounts[@]} > 0)) || die "ACCOUNTS is empty; list the accounts to audit, one per line"

# The file name of an account's reports: lower case, the leading @ dropped, anything but letters,
# digits, dot, underscore and dash made a dash (@RoadInfoBC@mstdn.bc.example -> roadinfobc-mstdn.bc.example).
slug_of() {
  local s
  s=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')
  s=${s#@}
  s=$(printf '%s' "$s" | tr -c 'a-z0-9._-' '-' | tr -s '-')
  s=${s#-}
  s=${s%-}
  printf '%s' "$s"
}

slugs=()
for account in "${accounts[@]}"; do
  slug=$(slug_of "$account")
  [[ -n $slug && $slug != . && $slug != .. ]] || die "cannot make a file name of the account \"$account\""
  for seen in "${slugs[@]+"${slugs[@]}"}"; do
    [[ $seen != "$slug" ]] || die "two accounts would share the report file $slug.json; list each account once"
  done
  slugs+=("$slug")
done

# --- options every audit shares ---------------------------------------------------------------

REPORTS_DIR=${REPORTS_DIR:-reports}
common=(--month "$MONTH")
[[ -z ${TIME_ZONE:-} ]] || common+=(--tz "$TIME_ZONE")
[[ -z ${SOCIAL_AUDIT_CONFIG:-} ]] || common+=(--config "$SOCIAL_AUDIT_CONFIG")
[[ -z ${SOCIAL_AUDIT_CACHE_DIR:-} ]] || common+=(--cache-dir "$SOCIAL_AUDIT_CACHE_DIR")
[[ -z ${SOCIAL_AUDIT_API_URL:-} ]] || common+=(--api-url "$SOCIAL_AUDIT_API_URL")
if [[ -n ${SOCIAL_AUDIT_ARGS:-} ]]; then
  set -f # split on spaces on purpose, but expand no * or ?
  # shellcheck disable=SC2206
  common+=(${SOCIAL_AUDIT_ARGS})
  set +f
fi

in_actions=${GITHUB_ACTIONS:-}
# The job summary on file descriptor 3: GitHub's file, else standard output.
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then exec 3>>"$GITHUB_STEP_SUMMARY"; else exec 3>&1; fi
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The summary's parts, written out in this order at the end.
: >"$work/overview.md"
: >"$work/failures.md"
: >"$work/trends.md"
: >"$work/reports.md"

# The tool's one-line message from a captured stderr, without its "social-audit: " prefix.
last_message() {
  tail -n 1 "$1" | sed 's/^social-audit: //'
}

# Text as Markdown that stays text: Markdown's special characters escaped, and @ written &#64;
# so that a handle does not mention anyone on GitHub.
md_text() {
  printf '%s' "$1" | sed 's/[\\`*_[<>|]/\\&/g; s/@/\&#64;/g'
}

# A failure: on stderr, as an error annotation in GitHub Actions, and in the summary.
report_failure() {
  echo "monthly-report: $1" >&2
  [[ -z $in_actions ]] || echo "::error title=social-audit::$1"
  printf -- '- %s\n' "$(md_text "$1")" >>"$work/failures.md"
  status=1
}

# One row of the summary's overview table, from a saved JSON report (documented paths only).
# Fails (status 3) when the report is partial: the fetch stopped early, or part of it was unread.
overview_row() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [file, named] = process.argv.slice(1);
    const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const md = (s) => String(s).replace(/[\\`*_[\]<>|]/g, "\\$&").replace(/@/g, "&#64;");
    const verdict = { BEING: "BEING social", DOING: "DOING social", NO_ACTIVITY: "no activity" }[r.score.verdict] ?? md(r.score.verdict);
    const c = r.comparison ? r.comparison.score : null;
    const change = !c || c.delta === null ? "–" : c.delta === 0 ? "same" : `${c.delta > 0 ? "+" : "−"}${Math.abs(c.delta)} (${c.direction})`;
    const rate = r.metrics.responseRate ? r.metrics.responseRate.value : null;
    const pct = rate === null || rate === undefined ? "–" : `${Math.round(rate * 100)}%`;
    const partial = !r.source.complete || (r.inbound && !r.inbound.complete);
    console.log(`| ${md(named)} | ${r.score.value ?? "–"} | ${verdict}${partial ? " (**partial**)" : ""} | ${change} | ${pct} |`);
    if (partial) process.exitCode = 3;
  ' "$1" "$2" >>"$work/overview.md"
}

# The account's newest saved report of a month before MONTH (usually the previous month's).
previous_report() {
  local slug=$1 found='' file month
  for file in "$REPORTS_DIR"/*/"$slug".json; do
    [[ -f $file ]] || continue
    month=$(basename "$(dirname "$file")")
    [[ $month =~ ^[0-9]{4}-[0-9]{2}$ && $month < $MONTH ]] && found=$file
  done
  printf '%s' "$found"
}

heading=$(printf '# social-audit: %s\n\n%d account(s), month %s%s.' \
  "$MONTH" "${#accounts[@]}" "$MONTH" "${TIME_ZONE:+ in $TIME_ZONE}")

# --- DRY_RUN=true: what a run would fetch (and cost on X), nothing written or committed ----------

if [[ ${DRY_RUN:-} == true ]]; then
  code=0
  social-audit "${accounts[@]}" "${common[@]}" --dry-run >"$work/dry-run.txt" 2>"$work/dry-run.err" || code=$?
  cat "$work/dry-run.err" >&2
  printf '%s\n\nDry run: each account looked up, nothing else fetched, nothing written.\n\n```text\n' "$heading" >&3
  cat "$work/dry-run.txt" >&3
  printf '```\n' >&3
  if ((code != 0)); then
    report_failure "dry run (exit $code): $(last_message "$work/dry-run.err")"
    printf '\n### Failed\n\n' >&3
    cat "$work/failures.md" >&3
  fi
  exit "$status"
fi

# --- one audit per account --------------------------------------------------------------------

mkdir -p "$REPORTS_DIR/$MONTH"
for i in "${!accounts[@]}"; do
  account=${accounts[$i]}
  slug=${slugs[$i]}
  json="$REPORTS_DIR/$MONTH/$slug.json"
  md="$REPORTS_DIR/$MONTH/$slug.md"
  compare=()
  previous=$(previous_report "$slug")
  [[ -z $previous ]] || compare=(--compare "$previous")

  echo "monthly-report: auditing $account for $MONTH${previous:+ (compared with $previous)}" >&2
  # One run, so one fetch: the JSON report on stdout, the Markdown into the file named by --output
  # (its format follows the extension). Written beside the reports and moved in place when done,
  # so a failed run never leaves a half-written report.
  code=0
  social-audit "$account" "${common[@]}" ${compare[@]+"${compare[@]}"} --json --output "$work/$slug.md" \
    >"$work/$slug.json" 2>"$work/$slug.err" || code=$?
  cat "$work/$slug.err" >&2
  # 1 with a report: it was made, but is below --fail-under or failed a config assertion.
  if ((code == 1)) && [[ ! -s $work/$slug.json ]]; then code=101; fi
  case $code in
    0 | 1)
      mv "$work/$slug.json" "$json"
      mv "$work/$slug.md" "$md"
      overview_row "$json" "$account" ||
        report_failure "$account: the report for $MONTH is partial (see its warnings); run the month again to complete it"
      { printf '\n'; cat "$md"; } >>"$work/reports.md"
      ((code == 0)) || report_failure "$account: $(last_message "$work/$slug.err")"
      ;;
    *)
      printf '| %s | – | **failed** (exit %d) | | |\n' "$(md_text "$account")" "$code" >>"$work/overview.md"
      report_failure "$account: no report for $MONTH (exit $code): $(last_message "$work/$slug.err")"
      ;;
  esac
done

# --- the trend of each account over every saved month -----------------------------------------

for slug in "${slugs[@]}"; do
  files=()
  for file in "$REPORTS_DIR"/*/"$slug".json; do
    [[ -f $file ]] && files+=("$file")
  done
  ((${#files[@]} > 0)) || continue
  if social-audit trend "${files[@]}" --format markdown >"$work/trend.md" 2>"$work/trend.err"; then
    { printf '\n'; cat "$work/trend.md"; } >>"$work/trends.md"
  else
    cat "$work/trend.err" >&2
    report_failure "trend of $slug: $(last_message "$work/trend.err")"
  fi
done

# --- the job summary: overview, failures, trends, then each report in full ----------------------

{
  printf '%s\n\n' "$heading"
  printf '| Account | Score | Verdict | Change | Response rate |\n| --- | ---: | --- | --- | ---: |\n'
  cat "$work/overview.md"
  if [[ -s $work/failures.md ]]; then
    printf '\n### Failed\n\n'
    cat "$work/failures.md"
  fi
  cat "$work/trends.md" "$work/reports.md"
} >&3

# --- commit (and in GitHub Actions, push) the reports -----------------------------------------

commit=${COMMIT_REPORTS:-}
if [[ -z $commit && -n $in_actions ]]; then commit=true; fi
if [[ $commit == true ]]; then
  git add -- "$REPORTS_DIR"
  if git diff --cached --quiet -- "$REPORTS_DIR"; then
    echo "monthly-report: no report changed; nothing to commit" >&2
  else
    if [[ -n $in_actions ]]; then
      # The GitHub Actions bot, for this commit and a rebase below; elsewhere, your own identity.
      export GIT_AUTHOR_NAME='github-actions[bot]' GIT_COMMITTER_NAME='github-actions[bot]'
      export GIT_AUTHOR_EMAIL='41898282+github-actions[bot]@users.noreply.github.com'
      export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
    fi
    git commit --quiet -m "social-audit report $MONTH" -- "$REPORTS_DIR"
    if [[ -n $in_actions ]]; then
      # Another push may have landed since the checkout: rebase onto it once and try again.
      git push --quiet || { git pull --rebase --quiet && git push --quiet; }
    fi
    echo "monthly-report: committed $REPORTS_DIR for $MONTH${in_actions:+ and pushed}" >&2
  fi
fi

exit "$status"
