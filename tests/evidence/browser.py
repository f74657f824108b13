"""A headless Chromium driven over the DevTools protocol, for the auditor-page tests.

Collects what a user would see in the console: uncaught exceptions, console.error
calls and failed loads (Log domain), records the URL of every request the page makes
(Network domain), and evaluates script in the page.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Offline and quiet: no update checks, sync or background fetches during a test.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)
# No network: every request that is not to loopback goes to a proxy nobody listens on
# (port 9, discard), and no host name resolves. Requests still reach the Network domain,
# so a test sees each one a page tried.
OFFLINE_FLAGS = (
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
)


def chromium_executable() -> str | None:
    return next(filter(None, map(shutil.which, CHROMIUM_CANDIDATES)), None)


@dataclass
class PageErrors:
    messages: list[str] = field(default_factory=list)


class Chromium:
    def __init__(
        self, user_data_dir: Path, timeout: float = 60.0, extra_flags: tuple[str, ...] = ()
    ) -> None:
        executable = chromium_executable()
        if executable is None:
            raise FileNotFoundError("no chromium executable on PATH")
        self.timeout = timeout
        self.process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                *extra_flags,
                f"--user-data-dir={user_data_dir}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self.errors = PageErrors()
        self.requests: list[str] = []
        self.socket: ClientConnection = connect(self._browser_url(user_data_dir), max_size=None)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            self._call(method, session=True)

    def _browser_url(self, user_data_dir: Path) -> str:
        port_file = user_data_dir / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if port_file.is_file():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def _record(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            self.errors.messages.append(f"exception: {text}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            values = [arg.get("value", arg.get("description")) for arg in params["args"]]
            self.errors.messages.append(f"console.{params['type']}: {values}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.errors.messages.append(f"log: {entry['text']} {entry.get('url', '')}".strip())

    def _receive(self, until: Any) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from chromium")
            message = json.loads(self.socket.recv(timeout=remaining))
            self._record(message)
            if until(message):
                return message

    def _call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = False
    ) -> dict[str, Any]:
        self._next_id += 1
        request: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = self.session
        self.socket.send(json.dumps(request))
        request_id = self._next_id
        answer = self._receive(lambda message: message.get("id") == request_id)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def open(self, url: str, width: int = 1280, height: int = 2000) -> None:
        self._call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )
        self._call("Page.navigate", {"url": url}, session=True)
        self._receive(lambda message: message.get("method") == "Page.loadEventFired")
        # Let late console messages of the load arrive before anyone reads errors.
        self.evaluate("new Promise(resolve => setTimeout(resolve, 200))")

    def evaluate(self, expression: str) -> Any:
        result = self._call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self._call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
