"""The tests import the agent as installed (scripts/test-agent.sh runs them
against a wheel in a fresh virtual environment, from a copy of this folder),
never from the source tree."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the tests' helpers (checkout, webservers, format_check, sites)

from checkout import REPO  # noqa: E402

sys.path.insert(0, str(REPO / "Tests"))  # support.treering_server
