"""Settings come from the environment and fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "QF_TESTING": "0",
    "SECRET_KEY": "k" * 20 + "production-secret-for-the-deploy-check-" + "z" * 20,
    "ALLOWED_HOSTS": "qingfeng.example.cn",
    "DATABASE_URL": "sqlite:////tmp/qingfeng-deploy-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "HTTPS"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_names_the_variable():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_bad_boolean_names_the_variable():
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_bad_redis_url_names_the_variable():
    result = manage("check", env={**PRODUCTION, "REDIS_URL": "http://nope"})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_missing_allowed_hosts_names_the_variable():
    env = {**PRODUCTION}
    env.pop("ALLOWED_HOSTS")
    result = manage("check", env={**env, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_an_unconfigured_checkout_runs_manage_py_as_development():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "QF_TESTING"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # …while DEBUG=false without a key still stops, naming the variable
    result = manage("check", env={"DEBUG": "false"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
