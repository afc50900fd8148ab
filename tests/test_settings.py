"""Settings come from the environment; each case runs `jifen` in a fresh process."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
# Each case starts `jifen` in a fresh process without DATABASE_URL (its default SQLite under
# the case's own folder): the same on any engine, so on SQLite only (scripts/test-all).
pytestmark = pytest.mark.slow
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-a-long-and-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "jifen.example.org",
    "JIFEN_HTTPS": "1",
    "DEBUG": "0",
}


def anchor_key(folder: Path) -> dict[str, str]:
    """The anchor key outside the data directory and its public half in the settings
    (docs/deployment.md, 锚点): check --deploy warns (jifen.W002) without them."""
    key = Ed25519PrivateKey.generate()
    path = folder / "anchor_key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {
        "JIFEN_ANCHOR_KEY": str(path),
        "JIFEN_ANCHOR_PUBLIC_KEY": base64.b64encode(raw).decode(),
    }


def jifen(*args: str, var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "JIFEN_HTTPS",
            "JIFEN_ANCHOR_KEY",
            "JIFEN_ANCHOR_PUBLIC_KEY",
            "JIFEN_ANCHOR_DIR",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "jifen.cli", *args],
        env={**clean, "JIFEN_VAR_DIR": str(var_dir), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def setting(name: str, var_dir: Path, **env: str) -> str:
    done = jifen(
        "shell",
        "--verbosity",
        "0",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        var_dir=var_dir,
        **env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_production_values_pass_check_deploy(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    production = PRODUCTION | anchor_key(keys)
    done = jifen("check", "--deploy", "--fail-level", "WARNING", var_dir=tmp_path, **production)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_laptop_defaults_are_flagged_by_check_deploy(tmp_path: Path) -> None:
    done = jifen("check", "--deploy", "--fail-level", "WARNING", var_dir=tmp_path)
    assert done.returncode != 0
    assert "SECURE_HSTS_SECONDS" in done.stderr
    assert "jifen.W002" in done.stderr  # the anchor key generated next to the data


def test_a_secret_key_is_generated_once_into_var(tmp_path: Path) -> None:
    first = setting("SECRET_KEY", tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o077 == 0, "the key file must be private"
    assert setting("SECRET_KEY", tmp_path) == first


def test_processes_starting_together_on_a_new_install_share_one_whole_key(
    tmp_path: Path,
) -> None:
    """CI's two test passes (and gunicorn's workers) start at once on a fresh clone: none may
    read the key file before its key is written (an empty SECRET_KEY stops Django)."""
    code = (
        "import os, sys; os.environ.pop('SECRET_KEY', None); "
        "from jifen import settings; print(settings.SECRET_KEY)"
    )
    clean = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    for attempt in range(3):
        var_dir = tmp_path / f"var{attempt}"
        started = [
            subprocess.Popen(
                [sys.executable, "-c", code],
                env={**clean, "JIFEN_VAR_DIR": str(var_dir)},
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _process in range(8)
        ]
        keys = {process.communicate()[0].strip() for process in started}
        assert len(keys) == 1, keys
        (key,) = keys
        assert len(key) >= 50
        assert (var_dir / "secret_key").read_text().strip() == key
        assert sorted(p.name for p in var_dir.iterdir()) == ["secret_key"]  # nothing left over


def test_debug_is_off_unless_asked(tmp_path: Path) -> None:
    assert setting("DEBUG", tmp_path) == "False"
    assert setting("DEBUG", tmp_path, DEBUG="1") == "True"


def test_sqlite_under_var_by_default_and_database_url_otherwise(tmp_path: Path) -> None:
    assert setting("DATABASES['default']['NAME']", tmp_path) == str(tmp_path / "jifen.sqlite3")
    url = "postgres://jifen:secret@db.internal:5433/jifen"
    assert setting("DATABASES['default']['ENGINE']", tmp_path, DATABASE_URL=url) == (
        "django.db.backends.postgresql"
    )
    assert setting("DATABASES['default']['PORT']", tmp_path, DATABASE_URL=url) == "5433"


def test_time_zone_and_languages(tmp_path: Path) -> None:
    assert setting("TIME_ZONE", tmp_path) == "Asia/Shanghai"
    assert setting("LANGUAGE_CODE", tmp_path) == "zh-hans"
    assert "'en'" in setting("LANGUAGES", tmp_path)


def test_an_s3_storage_that_cannot_work_stops_jifen_at_start(tmp_path: Path) -> None:
    # Without the jifen[s3] extra (as here) or without its variables, the message says which.
    done = jifen("check", var_dir=tmp_path, JIFEN_STORAGE="s3")
    assert done.returncode != 0
    assert "JIFEN_STORAGE=s3" in done.stderr
    assert setting("STORAGES['default']['BACKEND']", tmp_path).endswith("FileSystemStorage")


def test_check_deploy_refuses_the_demo_mode(tmp_path: Path) -> None:
    """The demo prints its accounts and their password on the login page (issue 16, item 5)."""
    done = jifen("check", "--deploy", var_dir=tmp_path, JIFEN_DEMO="1", **PRODUCTION)
    assert done.returncode != 0
    assert "jifen.E001" in done.stderr
    # Only a deployment is refused: the demo itself (`make demo`) still starts.
    assert jifen("check", var_dir=tmp_path, JIFEN_DEMO="1").returncode == 0
