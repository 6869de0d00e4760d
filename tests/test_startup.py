"""Start-up stays cheap: `tracker --help` builds no app and lists every command; `create_app()`
loads what only some requests need on the first of them."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tracker.cli import LAZY_COMMANDS, cli

REPO = Path(__file__).resolve().parents[1]
TRACKER = Path(sys.executable).with_name("tracker")
# What `tracker --help` used to load (pandas and the importers through the command modules,
# the API's pydantic schemas and every blueprint through Flask building the app, Alembic).
CLI_HEAVY = (
    "pandas",
    "alembic",
    "weasyprint",
    "matplotlib",
    "tracker.api",
    "tracker.analytics",
    "tracker.importers.commit",
    "tracker.reporting.context",
    "tracker.auth.views",
)


def _python(code: str, tmp_path: Path) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_tracker_help_lists_every_command_without_loading_the_app_or_heavy_modules(tmp_path):
    out = _python(
        "import io, json, sys, contextlib\n"
        "from tracker.cli import cli\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    cli.main(['--help'], prog_name='tracker', standalone_mode=False)\n"
        f"print(json.dumps({{'help': buf.getvalue(), 'loaded': [m for m in {CLI_HEAVY!r} "
        "if m in sys.modules]}))\n",
        tmp_path,
    )
    result = json.loads(out)
    assert result["loaded"] == []
    listed = result["help"].split("Commands:", 1)[1]
    names = [
        line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line[2] != " "
    ]
    for name in ("db", "demo", "import", "jobs", "report", "tokens", "users", "worker", "run"):
        assert name in names
    assert "Import FILE (a platform export or the tracker's CSV) into a" in listed
    assert "Campaign recaps (PDF)" in listed


def test_the_installed_tracker_help_answers_like_the_in_process_one(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run(
        [str(TRACKER), "--help"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "report" in done.stdout and "worker" in done.stdout
    assert "Error" not in done.stderr


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_a_lazy_command_is_listed_with_its_own_help(name):
    target, help_text = LAZY_COMMANDS[name]
    module, _, attribute = target.partition(":")
    real = getattr(importlib.import_module(module), attribute)
    assert real.name == name
    first_paragraph = (real.help or "").split("\n\n")[0].strip()
    assert " ".join(first_paragraph.split()) == help_text
    for limit in (30, 45, 80):
        assert click.Command(name, help=help_text).get_short_help_str(limit) == (
            real.get_short_help_str(limit)
        )


def test_lazy_commands_run_and_show_their_own_help():
    runner = CliRunner()
    report = runner.invoke(cli, ["report", "--help"])
    assert report.exit_code == 0, report.output
    assert "batch" in report.output and "campaign" in report.output
    imported = runner.invoke(cli, ["import", "--help"])
    assert imported.exit_code == 0, imported.output
    assert "--campaign" in imported.output


def test_an_unknown_command_is_refused(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    result = CliRunner().invoke(cli, ["no-such-command"], env=env)
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output


def test_the_sign_in_dummy_hash_is_made_on_first_use_not_at_import(tmp_path):
    out = _python(
        "import json\n"
        "import tracker.auth.service as s\n"
        "before = s.dummy_hash.cache_info().currsize\n"
        "from tracker.passwords import verify_password\n"
        "h = s.dummy_hash()\n"
        "print(json.dumps([before, h.startswith('$argon2id$'), "
        "verify_password(h, 'not-a-real-password'), verify_password(h, 'guess')]))\n",
        tmp_path,
    )
    assert json.loads(out) == [0, True, True, False]


# What create_app() used to load: pandas through analytics and the rollups, email-validator
# through the API schemas built at import (now deferred), every parser through the import views.
APP_HEAVY = (
    "pandas",
    "numpy",
    "weasyprint",
    "matplotlib",
    "email_validator",
    "tracker.importers.registry",
    "tracker.importers.commit",
)


def test_create_app_loads_no_heavy_module(tmp_path):
    out = _python(
        "import json, sys\n"
        "from tracker import create_app\n"
        "create_app()\n"
        f"print(json.dumps([m for m in {APP_HEAVY!r} if m in sys.modules]))\n",
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
