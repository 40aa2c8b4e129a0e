#!/usr/bin/env python
"""Same as the `maillage` console command, for those used to manage.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from maillage.config.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
