import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))                 # the agent package, from source
sys.path.insert(0, str(HERE.parents[2] / "Tests"))   # support.treering_server
