#!/usr/bin/env bash
# Installs what the tests need and runs every suite: Swift (core, store,
# server), the Python agent, the server binary end to end, and the dashboard
# in a real headless Chromium. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
missing=()
for pkg in chromium chromium-driver libsqlite3-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "Python packages"
reqs=()
for f in Tests/requirements.txt Agents/python/requirements-test.txt Tests/browser/requirements.txt; do
  [ -f "$f" ] && reqs+=(-r "$f")
done
python3 -m pip install --disable-pip-version-check -q "${reqs[@]}"

step "lint: Python"
# Tests/ and scripts/ (settings: ruff.toml, pyrightconfig.json); the agent's
# own lint and types run in scripts/test-agent.sh. Then the docs' links.
python3 -m pip install --disable-pip-version-check -q -r Tests/requirements-lint.txt
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pyright --pythonpath "$(command -v python3)"
python3 scripts/check-links.py
# The importer golden files still match their independent oracle (the Swift
# tests compare the parsers with these files).
python3 Tests/vectors/importers/expected.py --check

step "lint: Swift"
# swift format (ships with the toolchain), settings in .swift-format; the
# generated protobuf code is left as protoc wrote it.
find Sources Tests -name '*.swift' -not -path '*/Proto/*' -print0 | xargs -0 swift format lint --strict Package.swift

step "Swift build"
swift build --build-tests

step "PostgreSQL for the store tests (scripts/postgres.sh)"
# A throwaway cluster, stopped and removed however this script ends. The
# Swift store tests run on both backends when TREERING_TEST_POSTGRES_URL is
# set; the Python end-to-end tests make a fresh database in it per test.
# In /tmp, not $TMPDIR: as root the server runs as another user, who must
# be able to reach the folder.
postgres_dir=$(mktemp -d /tmp/treering-pg.XXXXXX)
postgres_script="$PWD/scripts/postgres.sh"
trap 'bash "$postgres_script" stop "$postgres_dir" || true; rm -rf "$postgres_dir"' EXIT
TREERING_TEST_POSTGRES_URL=$(bash "$postgres_script" start "$postgres_dir" | tail -n 1)
export TREERING_TEST_POSTGRES_URL

step "Swift tests"
swift test

step "Swift tests: the HTTP API on PostgreSQL"
# The same API tests, with the app built on a fresh PostgreSQL database
# (Tests/TreeringServerTests/Support reads TREERING_TEST_BACKEND).
TREERING_TEST_BACKEND=postgres swift test --filter TreeringServerTests

step "fuzz: a short pass of every parser (scripts/fuzz.sh SECONDS for longer ones)"
bash scripts/fuzz.sh 10

step "Python tests: server binary end to end, adversarial clients, dashboard in Chromium"
export TREERING_BIN="$PWD/.build/debug/treering" SE_OFFLINE=true
suites=(Tests/integration Tests/adversarial)
[ -d Tests/browser ] && suites+=(Tests/browser)
python3 -m pytest -q -p no:cacheprovider "${suites[@]}"

step "Python agent: wheel and sdist, its tests against the installed wheel, types and lint"
bash scripts/test-agent.sh
