#!/usr/bin/env bash
# The Python agent as users install it: builds its wheel and sdist, installs
# the wheel in a fresh virtual environment, and runs the agent's tests against
# that installed package from a folder where the checkout is not importable;
# then the type checker and the linter, each failing on any finding.
# Needs PyPI (the venv's packages, setuptools for the build) and, for the
# tests against the real server, $TREERING_BIN (default .build/debug/treering).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
AGENT=$REPO/Agents/python
PYTHON=${PYTHON:-python3}

step() { printf '\n==> %s\n' "$*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/treering-agent.XXXXXX")
trap 'rm -rf "$work"' EXIT
venv=$work/venv
py=$venv/bin/python

step "agent: a fresh virtual environment with the build and check tools"
"$PYTHON" -m venv "$venv"
"$py" -m pip install --disable-pip-version-check -q -r "$AGENT/requirements-dev.txt"

step "agent: wheel and sdist (python -m build), metadata check (twine)"
# Built from a copy, so the checkout gets no build/ or *.egg-info.
mkdir "$work/src"
tar -C "$AGENT" --exclude=__pycache__ --exclude=build --exclude=dist --exclude='*.egg-info' -cf - . | tar -C "$work/src" -xf -
"$py" -m build --outdir "$work/dist" "$work/src" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$py" -m twine check --strict "$work"/dist/*
listing=$(tar -tzf "$work"/dist/treering-*.tar.gz)
for f in LICENSE README.md pyproject.toml treering/__init__.py treering/middleware/wsgi.py treering/middleware/asgi.py \
         treering/middleware/django.py tests/test_installed.py; do
  grep -qx "treering-[^/]*/$f" <<<"$listing" || { echo "sdist lacks $f"; exit 1; }
done

step "agent: install the wheel, run the tests against it (not the source tree)"
"$py" -m pip install --disable-pip-version-check -q "$work"/dist/treering-*.whl -r "$AGENT/requirements-test.txt"
cp -r "$AGENT/tests" "$work/tests"
rm -rf "$work/tests/__pycache__"
(cd "$work" && TREERING_REPO="$REPO" TREERING_EXPECT_PREFIX="$venv" \
   "$py" -m pytest -q -p no:cacheprovider tests "$REPO/Tests/integration/test_sessions.py")


step "agent: types (pyright, strict on the hot path) and lint (ruff check, ruff format --check)"
cd "$AGENT"
"$venv/bin/pyright" --pythonpath "$py" treering
"$venv/bin/ruff" check treering tests bench
"$venv/bin/ruff" format --check treering tests bench
