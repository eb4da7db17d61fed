import sys
from pathlib import Path

# Tests/ (for support.treering_server) and this folder (for adversarial_http).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
