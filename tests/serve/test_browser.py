"""The served trainee screen in a real browser (issue 18): ``ncbsim play --join … --browser PORT``
serves the same client through textual-serve, and headless Chromium (Debian's chromium and
chromium-driver, installed by .ci/run) renders it: the page draws the terminal, and what the
page received is the briefing screen — the exercise's title and its briefing."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_remote_tui import ServerThread
from .test_serve import SCENARIO

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium comes with the dev extra")
pytest.importorskip("textual_serve", reason="textual-serve comes with the web extra")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Debian's chromium and chromium-driver (.ci/run "
                                                                 "installs them)")
BRIEFING = "Marc DUVAL is wanted in Paris for homicide; find where he is before he crosses again."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,800"):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def received(browser) -> str:
    """What the page's WebSocket brought from the served client (the terminal's output)."""
    text = []
    for entry in browser.get_log("performance"):
        m = json.loads(entry["message"])["message"]
        if m["method"] == "Network.webSocketFrameReceived":
            r = m["params"]["response"]
            data = r["payloadData"]
            text.append(base64.b64decode(data).decode("utf-8", "replace") if r.get("opcode") == 2 else data)
    return "".join(text)


def test_the_served_trainee_screen_renders_the_briefing_in_chromium(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(SCENARIO.replace("seed: 11\n", f"seed: 11\nbriefing: {BRIEFING}\n"), encoding="utf-8")
    server = ServerThread(str(path), str(tmp_path / "s.db"))
    port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "sim", "play", "--join", server.address, "--token",
                            server.tokens["ncb:FR"], "--browser", str(port)], cwd=tmp_path, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    browser = None
    try:
        assert web.stdout is not None and f"http://127.0.0.1:{port}" in web.stdout.readline()
        browser = chromium()
        for _ in range(50):  # the page up, then the client started behind it
            try:
                browser.get(f"http://127.0.0.1:{port}")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.2)
        seen = ""
        for _ in range(60):
            seen += received(browser)
            if BRIEFING[:40] in seen:
                break
            time.sleep(0.25)
        assert "Three seats and a trainer" in seen and "Your seat: NCB France" in seen
        assert BRIEFING[:40] in seen
        size = browser.execute_script("var c = document.querySelector('canvas'); return c ? [c.width, c.height] : null")
        assert size and size[0] > 400 and size[1] > 200  # the terminal is drawn on the page
    finally:
        if browser is not None:
            browser.quit()
        web.terminate()
        web.wait(timeout=10)
        server.stop()
