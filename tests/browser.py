"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe``, for the real-browser test.

Chromium reads NUL-terminated JSON commands on file descriptor 3 and writes responses and events on
descriptor 4, so driving it needs no driver binary, no websocket library and no open port: only the
Debian ``chromium`` package. Nothing here touches the network; the browser is started with every
background service that could (updates, field trials, safe browsing) switched off.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """The browser to drive: ``$MTQA_CHROMIUM`` or the first of the usual names on ``PATH``."""
    configured = os.environ.get("MTQA_CHROMIUM")
    if configured:
        return configured if shutil.which(configured) else None
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


class Page:
    """One tab, attached in flat mode; ``events`` keeps every event the session received."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise AssertionError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def navigate(self, url: str) -> None:
        self.browser.events.clear()
        self.send("Page.navigate", url=url)
        self.browser.wait_for("Page.loadEventFired", self.session)

    def press_tab(self) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9)

    def screenshot(self, path: Path, width: int, height: int) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def events(self, method: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self.browser.events
            if e.get("method") == method and e.get("sessionId") == self.session
        ]


class Browser:
    def __init__(self, process: subprocess.Popen[bytes], commands: Any, replies: Any) -> None:
        self.process = process
        self.commands = commands
        self.replies = replies
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._next_id = 0

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.commands.write(json.dumps(message).encode() + b"\0")
        self.commands.flush()
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, session: str | None, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while time.monotonic() < deadline:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        raise AssertionError(f"no {method} within {timeout} s")

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                raise AssertionError("the browser closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setFocusEmulationEnabled", enabled=True)
        return page


def _high_pipe() -> tuple[int, int]:
    """A pipe whose two descriptors are 10 or above."""
    low = os.pipe()
    high = (fcntl.fcntl(low[0], fcntl.F_DUPFD_CLOEXEC, 10), fcntl.fcntl(low[1], fcntl.F_DUPFD_CLOEXEC, 10))
    for descriptor in low:
        os.close(descriptor)
    return high


@contextmanager
def chromium(executable: str) -> Iterator[Browser]:
    """A headless Chromium with a fresh profile, driven over the DevTools pipe; closed on exit."""
    with tempfile.TemporaryDirectory(prefix="mtqa-chromium-") as profile:
        to_child_read, to_child_write = _high_pipe()
        from_child_read, from_child_write = _high_pipe()
        # Chromium expects its command pipe on descriptor 3 and its reply pipe on 4; bash puts them
        # there (no preexec_fn, which is unsafe with threads; dash cannot name descriptors above 9).
        # Both ends are at 10 or above, so the two redirections cannot clobber each other.
        wiring = f'exec "$0" "$@" 3<&{to_child_read} 4>&{from_child_write}'
        process = subprocess.Popen(
            [
                shutil.which("bash") or "/bin/bash",
                "-c",
                wiring,
                executable,
                *FLAGS,
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_child_read, from_child_write),
        )
        os.close(to_child_read)
        os.close(from_child_write)
        commands = os.fdopen(to_child_write, "wb")
        browser = Browser(process, commands, from_child_read)
        try:
            yield browser
        finally:
            with suppress(AssertionError, OSError):
                browser.send("Browser.close")
            commands.close()
            os.close(from_child_read)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
