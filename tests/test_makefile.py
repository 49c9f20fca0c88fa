"""The Makefile says what it is doing on a fresh machine and never hides an installer's errors.

Run against stand-in installers (a fake ``python3 -m venv`` and ``apt-get``), so no network
and no root are needed.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _make(*args, path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
    return subprocess.run([MAKE, "--no-print-directory", "-C", str(ROOT), *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_setup_says_it_is_installing_before_pip_runs(tmp_path):
    """`make run` / `make test` on a fresh clone first say that .venv is being set up."""
    # A stand-in for `python3 -m venv DIR` whose pip does nothing.
    python = _script(tmp_path / "python3", 'mkdir -p "$3/bin"\n'
                     'printf "#!/bin/sh\\necho pip \\"\\$@\\" >> %s\\n" > "$3/bin/pip"\n'
                     'chmod +x "$3/bin/pip"\n' % (tmp_path / "pip.log"))
    venv = tmp_path / "venv"
    result = _make("setup", f"PYTHON={python}", f"VENV={venv}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    said = [line for line in lines if "installing" in line.lower()]
    assert said, result.stdout
    assert "pip" in said[0] or "dependencies" in said[0]
    assert (venv / ".installed").exists()
    assert (tmp_path / "pip.log").read_text().count("pip install") == 2
    # Once installed, nothing more is said (and nothing is installed again).
    again = _make("setup", f"PYTHON={python}", f"VENV={venv}")
    assert again.returncode == 0 and not any("installing" in x.lower()
                                             for x in again.stdout.splitlines())


def test_browser_install_shows_apt_errors(tmp_path):
    """When apt fails, its messages (stdout and stderr) reach the person, and make fails."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("id", "sh"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    _script(bin_dir / "sudo", 'exec "$@"\n')
    _script(bin_dir / "apt-get", 'case "$*" in *install*)\n'
            '  echo "dpkg: error processing package chromium (--configure)"\n'
            '  echo "E: Sub-process /usr/bin/dpkg returned an error code (1)" >&2\n'
            '  exit 100;;\nesac\n')
    result = _make("browser", path=str(bin_dir))
    assert result.returncode != 0
    shown = result.stdout + result.stderr
    assert "chromium" in result.stdout.lower()  # what is happening
    assert "dpkg: error processing package chromium" in shown
    assert "E: Sub-process /usr/bin/dpkg returned an error code (1)" in shown
