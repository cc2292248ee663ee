"""The HTML report in a real browser: Debian's headless chromium loads it, with no console errors, every chart
drawn, and a 1280-px screenshot whose text is legible (chart text at least 10 px on screen).

Skips with a reason when chromium is absent, except under CI (``CI`` set), where it must run: ``.ci/run``
installs chromium when it is missing. Set ``TOKENCOST_SCREENSHOT_DIR`` to keep the screenshot for a look.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tokencost.cli import cli

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

#: Injected into a copy of the report (the report itself has no JavaScript): records errors and, once the
#: page has loaded, what the browser drew, into a <pre> that --dump-dom prints.
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || e.type)), true);
const __error = console.error;
console.error = (...a) => { window.__errors.push(a.join(' ')); __error(...a); };
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const inner = svg.getBBox();
    const view = svg.viewBox.baseVal.width || box.width;
    return {id: svg.id, width: box.width, height: box.height, inner_w: inner.width, inner_h: inner.height,
            marks: svg.querySelectorAll('rect.bar, polyline.series').length, scale: box.width / view};
  });
  const body = getComputedStyle(document.body);
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify({errors: window.__errors, charts: charts,
    font: parseFloat(body.fontSize), page_width: document.body.getBoundingClientRect().width});
  document.body.appendChild(pre);
});
</script>"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser check (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); CI runs this check")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def report(tmp_path, runner) -> Path:
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["report", "examples/workloads/support-zh.yaml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_loads_without_errors_and_draws_every_chart(report, tmp_path):
    html = report.read_text("utf-8")
    expected = len(re.findall(r"<svg [^>]*class='chart ", html))
    assert expected == 4  # two workloads, a bar chart and a line chart each
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    run = _browser(
        tmp_path,
        "--window-size=1280,2000",
        "--virtual-time-budget=5000",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        probed.as_uri(),
    )
    assert run.returncode == 0, run.stderr[-2000:]
    match = re.search(r"<pre id=\"probe\">(.*?)</pre>", run.stdout, re.S)
    assert match, run.stdout[-2000:]
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["errors"] == []
    assert not re.search(r"CONSOLE[:(]|Uncaught", run.stderr), run.stderr[-2000:]
    assert len(probe["charts"]) == expected
    for chart in probe["charts"]:
        assert chart["marks"] > 0, chart  # bars or lines drawn
        assert chart["inner_w"] > 100 and chart["inner_h"] > 100, chart  # non-empty drawing
        assert chart["width"] >= 900, chart  # full width at 1280 px, not a squashed column
        assert 12 * chart["scale"] >= 10, chart  # chart text at least 10 px on screen
    assert probe["font"] >= 13 and probe["page_width"] >= 1100


def test_report_screenshot_at_1280_px(report, tmp_path):
    png = tmp_path / "report.png"
    run = _browser(tmp_path, "--window-size=1280,2400", f"--screenshot={png}", report.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width == 1280 and len(data) > 50_000
    keep = os.environ.get("TOKENCOST_SCREENSHOT_DIR")
    if keep:
        shutil.copy(png, Path(keep) / "report-1280.png")
