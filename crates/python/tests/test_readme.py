"""The README's "From Python" example runs as printed."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_readme_example_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From Python", 1)[1].split("\n## ", 1)[0]
    assert "pip install ./crates/python" in section
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    assert len(code.strip().splitlines()) <= 10
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "zh-Hant Hant"
    assert lines[1] == "11 14 PER 崔現忠 崔现忠"
    assert "# newdoc id = b" in out.stdout and "头发干燥" in out.stdout
