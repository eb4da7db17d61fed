"""Where the Treering checkout is: $TREERING_REPO (set by scripts/test-agent.sh,
which runs a copy of these tests outside it), else the folder these tests sit in."""

import os
from pathlib import Path

REPO = Path(os.environ.get("TREERING_REPO") or Path(__file__).resolve().parents[3]).resolve()
