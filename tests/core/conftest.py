"""Make the sample declarative nodes under fixtures/ importable as `onex_core_samples`."""

import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))
