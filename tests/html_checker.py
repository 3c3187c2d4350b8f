"""The Nu Html Checker (the vnu-jar npm package, run with the system Java) over rendered pages.

One Java run checks every page given, since starting Java is the slow part."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(pages: dict[str, str | bytes], folder: Path) -> list[str]:
    """Write each page to ``folder`` and return the checker's errors, one readable line each."""
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_bytes(html if isinstance(html, bytes) else html.encode("utf-8"))
        files.append(str(path))
    assert VNU.exists(), "run `npm ci` (scripts/setup.sh dev does) to install vnu-jar"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']} — {m.get('extract', '')!r}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
