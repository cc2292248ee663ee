#!/usr/bin/env bash
# Exercise the `tokencost-check` pre-commit hook (.pre-commit-hooks.yaml) with the real pre-commit tool.
#
# Builds a throw-away git repository whose .pre-commit-config.yaml uses THIS checkout (repo: <path>,
# rev: HEAD commit), writes a small workload file in it, and asserts that the hook passes within budget,
# fails over budget (also through a real `git commit`), and reports a broken workload file.
# Needs only PyPI (pre-commit builds the hook's virtualenv with pip); everything else is local.
# Usage: .ci/precommit-check.sh   (from anywhere; cleans up after itself)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export PIP_DISABLE_PIP_VERSION_CHECK=1
python=${PYTHON:-python3}

say() { printf 'precommit-check: %s\n' "$*"; }
die() { printf 'precommit-check: FAILED: %s\n' "$*" >&2; exit 1; }

rev=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" cat-file -e "$rev:.pre-commit-hooks.yaml" 2>/dev/null \
  || die ".pre-commit-hooks.yaml is not committed at HEAD ($rev); pre-commit installs hooks from commits"
if ! git -C "$repo" diff --quiet HEAD -- .pre-commit-hooks.yaml src/tokencost/cli/check_cmd.py src/tokencost/planner/check.py; then
  say "note: uncommitted changes to the hook or the check are NOT exercised (pre-commit uses commit $rev)"
fi

if ! "$python" -m pre_commit --version >/dev/null 2>&1; then
  say "installing pre-commit from PyPI"
  "$python" -m pip install -q pre-commit
fi
say "$("$python" -m pre_commit --version), tokencost at $rev"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tokencost-precommit.XXXXXX")
cleanup() { chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
export PRE_COMMIT_HOME="$tmp/pre-commit-home"   # hook virtualenvs live here and go with the temp dir
export GIT_CONFIG_GLOBAL="$tmp/gitconfig"        # no user/global git config leaks in (git >= 2.32)
export GIT_CONFIG_NOSYSTEM=1
git config --file "$GIT_CONFIG_GLOBAL" user.name "tokencost ci"
git config --file "$GIT_CONFIG_GLOBAL" user.email "ci@tokencost.invalid"
git config --file "$GIT_CONFIG_GLOBAL" init.defaultBranch main
git config --file "$GIT_CONFIG_GLOBAL" commit.gpgsign false
git config --file "$GIT_CONFIG_GLOBAL" --add safe.directory '*'

"$python" -m pre_commit validate-manifest "$repo/.pre-commit-hooks.yaml"

work="$tmp/project"
mkdir -p "$work"
cd "$work"
git init -q .

# The workload file: a real one when this commit has the planner, else a plan JSON (check reads both).
if git -C "$repo" cat-file -e "$rev:src/tokencost/planner/plan.py" 2>/dev/null; then
  target=tokencost.yaml
  write_target() {  # $1 = monthly budget
    cat > "$target" <<EOF
version: 1
currency: USD
horizon_months: 3
candidates: [deepseek-v3.2]
budgets:
  monthly_total: $1
workloads:
  - name: support-bot
    model: deepseek-v3.2
    requests_per_day: 10000
    input_tokens: 800
    counted_with: deepseek-v3
    output_tokens: 300
EOF
  }
  broken() { printf 'version: 1\nworkloads:\n  - name: x\n    model: deepseek-v3.2\n    bogus_key: 1\n' > "$target"; }
else
  say "note: no planner at $rev; exercising the hook on a plan JSON instead of a workload file"
  target=tokencost-plan.json
  write_target() {
    "$python" - "$repo/tests/fixtures/plans/head-pass.json" "$target" "$1" <<'EOF'
import json, sys
document = json.load(open(sys.argv[1], encoding="utf-8"))
document["budgets"]["monthly_total"] = sys.argv[3]
json.dump(document, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
EOF
  }
  broken() { printf '{"schema": "tokencost.plan/1", "currency": "USD", "workloads": [{"x": 1}]}\n' > "$target"; }
fi

cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: tokencost-check
        args: [$target]
EOF
"$python" -m pre_commit validate-config .pre-commit-config.yaml

# run_hook NAME EXPECTED_STATUS GREP...: run the hook on all files, check its status and output.
run_hook() {
  local name=$1 expected=$2 status=0
  shift 2
  git add -A .
  "$python" -m pre_commit run tokencost-check --all-files --color never > "$tmp/out.txt" 2>&1 || status=$?
  sed 's/^/    | /' "$tmp/out.txt"
  [ "$status" -eq "$expected" ] || die "$name: pre-commit exited $status, expected $expected"
  for pattern in "$@"; do
    grep -q -- "$pattern" "$tmp/out.txt" || die "$name: output lacks '$pattern'"
  done
  say "$name: ok (pre-commit exit $status)"
}

say "1/4 within budget (the first run builds the hook's virtualenv from PyPI)"
write_target 1000000
run_hook "within budget" 0 "Passed"

say "2/4 over budget"
write_target 1
run_hook "over budget" 1 "Failed" "tokencost check: FAIL" "over the budget of \$1.00" "exit code: 1"

say "3/4 broken workload file"
broken
run_hook "broken file" 1 "Failed" "exit code: 2" "Error: "

say "4/4 a real commit through the installed git hook"
"$python" -m pre_commit install -q >/dev/null 2>&1 || "$python" -m pre_commit install >/dev/null
write_target 1
git add -A .
if git commit -q -m "over budget" >"$tmp/commit.txt" 2>&1; then
  sed 's/^/    | /' "$tmp/commit.txt"
  die "git commit over budget succeeded"
fi
grep -q "over the budget" "$tmp/commit.txt" || { sed 's/^/    | /' "$tmp/commit.txt"; die "commit refused for another reason"; }
write_target 1000000
git add -A .
git commit -q -m "within budget" >"$tmp/commit.txt" 2>&1 || { sed 's/^/    | /' "$tmp/commit.txt"; die "git commit within budget was refused"; }
[ "$(git rev-list --count HEAD)" -eq 1 ] || die "expected exactly one commit"
say "git commit: refused over budget, accepted within budget"
say "all green"
