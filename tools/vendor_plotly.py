"""Vendor plotly.js's partial bundles from npm into static/vendor/, with licence, version and CSS.

    python tools/vendor_plotly.py 4.1.1

Needs npm and node (development machines only; the application serves the committed files).
Writes static/vendor/plotly-basic.min.js (bar, pie, scatter) and plotly-geo.min.js (choropleth,
scattergeo, scatter) from `plotly.js-basic-dist-min` and `plotly.js-geo-dist-min`, their MIT
LICENSE, and plotly.css: the style rules plotly.js would otherwise inject in a <style> element,
which the Content-Security-Policy (style-src 'self') refuses. The page links plotly.css with
id="plotly.js-style-global" and class "no-inline-styles", plotly's own switch (plotly.js
PR #7109) for not injecting them. Both bundles embed the same rules; the script checks that.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
PACKAGES = {"basic": "plotly.js-basic-dist-min", "geo": "plotly.js-geo-dist-min"}
# The rules live in one object literal that starts with this key (plotly.js src/css/_base.scss,
# compiled into build/plotcss.js); X stands for the plot container, Y for the notifier.
RULES_START = '{"X,X div"'
SELECTORS = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}
EVAL_RULES = "process.stdout.write(JSON.stringify((0, eval)('(' + require('fs').readFileSync(0, 'utf8') + ')')))"


def object_literal(source: str, start: int) -> str:
    """The JavaScript object literal beginning at `start`, by brace depth outside strings."""
    depth, quote, i = 0, "", start
    while True:
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return source[start:i + 1]
        i += 1


def css_rules(bundle: str) -> dict[str, str]:
    literal = object_literal(bundle, bundle.index(RULES_START))
    out = subprocess.run(["node", "-e", EVAL_RULES], input=literal, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def selector(key: str) -> str:
    for short, full in SELECTORS.items():
        key = key.replace(short, full)
    return key


def main(version: str) -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    rules, lines = None, []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, package in PACKAGES.items():
            subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            with tarfile.open(Path(tmp) / f"{package}-{version}.tgz") as tar:
                bundle = tar.extractfile(f"package/plotly-{kind}.min.js").read()
                licence = tar.extractfile("package/LICENSE").read()
            (VENDOR / f"plotly-{kind}.min.js").write_bytes(bundle)
            found = css_rules(bundle.decode("utf-8"))
            if rules is not None and found != rules:
                sys.exit("the two bundles embed different style rules: vendor one version of both")
            rules = found
            lines.append(f"| `plotly-{kind}.min.js` | `{package}@{version}` | "
                         f"`{hashlib.sha256(bundle).hexdigest()}` |")
    (VENDOR / "PLOTLY-LICENSE.txt").write_bytes(licence)
    css = "".join(f"{selector(k)}{{{v}}}\n" for k, v in rules.items())
    (VENDOR / "plotly.css").write_text(
        f"/* plotly.js v{version} style rules (tools/vendor_plotly.py); MIT, see PLOTLY-LICENSE.txt */\n{css}",
        encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "4.1.1")
