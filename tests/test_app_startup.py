"""`create_app()` starts cheaply: what only some requests need loads on the first of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What create_app() used to load: pandas through analytics and the rollups, email-validator
# through the API schemas built at import (now deferred), every parser through the import views.
HEAVY = (
    "pandas",
    "numpy",
    "weasyprint",
    "matplotlib",
    "email_validator",
    "tracker.importers.registry",
    "tracker.importers.commit",
)


def _python(code: str, tmp_path: Path) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_create_app_loads_no_heavy_module(tmp_path):
    out = _python(
        "import json, sys\n"
        "from tracker import create_app\n"
        "create_app()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n",
        tmp_path,
    )
    assert json.loads(out) == []


def test_the_deferred_parts_load_when_first_used(tmp_path):
    out = _python(
        "import json, sys\n"
        "from tracker import create_app\n"
        "from tracker.api import api\n"
        "from tracker.api.schemas.influencers import InfluencerCreate\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    document = api.openapi()\n"
        "body = InfluencerCreate.model_validate({'name': 'Ana', 'email': 'ana@example.com'})\n"
        "from tracker.imports.forms import format_labels\n"
        "print(json.dumps({'schemas': len(document['components']['schemas']),\n"
        "    'email': body.email, 'formats': len(format_labels()),\n"
        "    'loaded': [m for m in ('email_validator', 'tracker.importers.registry')\n"
        "               if m in sys.modules]}))\n",
        tmp_path,
    )
    result = json.loads(out)
    assert result["schemas"] > 50
    assert result["email"] == "ana@example.com"
    assert result["formats"] == 8
    assert result["loaded"] == ["email_validator", "tracker.importers.registry"]
