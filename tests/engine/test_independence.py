"""The engine is framework-free: importing it must not import Django (style.md)."""

from __future__ import annotations

import subprocess
import sys


def test_engine_imports_without_django() -> None:
    code = (
        "import sys, kaohe.engine, kaohe.engine.reference, kaohe.engine.demo\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'ninja'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
