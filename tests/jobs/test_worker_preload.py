"""`tracker worker` loads WeasyPrint and matplotlib once, before RQ forks a horse per job."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_preload_imports_the_renderers_that_the_app_itself_leaves_out():
    code = (
        "import json, sys\n"
        "from tracker import create_app\n"
        "create_app({'DATABASE_URL': 'sqlite://', 'SECRET_KEY': 'x'})\n"
        "from tracker.jobs import worker\n"
        "heavy = ('weasyprint', 'matplotlib.pyplot')\n"
        "before = [m for m in heavy if m in sys.modules]\n"
        "worker.preload()\n"
        "import matplotlib\n"
        "print(json.dumps([before, [m for m in heavy if m in sys.modules],"
        " matplotlib.get_backend().lower()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[], ["weasyprint", "matplotlib.pyplot"], "agg"]
