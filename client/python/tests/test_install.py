"""pip install client/python into a fresh venv, then run README's example.

The venv has --system-site-packages so that Debian's python3-msgpack and
setuptools serve as the dependency and the build backend; pip runs with
--no-index --no-build-isolation, so no network is needed."""

import os
import re
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
README = os.environ.get("G2P_README") or os.path.join(PKG, "..", "..", "README.md")


def readme_example():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"```python\n(.*?)```", text, re.S)
    assert m, "README.md has no ```python block"
    code = m.group(1)
    assert len(code.strip().splitlines()) == 3, "the README example is three lines"
    return code


def test_pip_install_and_readme_example(daemon, tmp_path):
    try:
        import ensurepip  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as e:
        pytest.skip("venv/pip or setuptools unavailable: %s" % e)
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("python3 -m venv failed (python3-venv missing?): " + r.stderr[-300:])
    # Build from a copy: the source tree may be read-only (make distcheck)
    # and a build leaves build/ and *.egg-info behind.
    src = tmp_path / "src"
    shutil.copytree(PKG, str(src), ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", "tests"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    py = str(venv / "bin" / "python")
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
                        str(src)], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    env["G2PC_SOCKET"] = daemon.sock
    where = subprocess.run([py, "-c", "import g2pclient; print(g2pclient.__file__)"],
                           capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    r = subprocess.run([py, "-c", readme_example()], capture_output=True, text=True,
                       env=env, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "AA1 R D V AA2 R K\n"
