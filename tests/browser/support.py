"""Playwright driving Debian's Chromium against pytest-django's live server; shared by the browser tests and
the accessibility checks. No browser is downloaded: the system ``/usr/bin/chromium`` is used, and every
request that would leave the machine is refused and reported."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# The sync Playwright API runs an event loop in the test thread; Django's ORM calls from the test body are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 30_000
PASSWORD = "correct-horse-battery"


_running: dict = {}


@pytest.fixture(scope="session", name="chromium")
def chromium_fixture():
    """One Chromium for the whole run, even when several test modules import this fixture (Playwright's sync
    API allows one instance per thread): the first fixture to start it stops it at the end of the session."""
    if "browser" in _running:
        yield _running["browser"]
        return
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    _running["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield _running["browser"]
    finally:
        _running.pop("browser").close()
        playwright.stop()


class Browsing:
    """One browser context: a page, the requests it tried to send off the machine, and helpers."""

    def __init__(self, chromium, base_url: str, *, width: int = 1280, height: int = 900):
        self.base_url = base_url
        self.context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS)
        self.outside_requests: list[str] = []
        self.csp_violations: list[str] = []
        self.context.route("**/*", self._only_local)
        # Every Content-Security-Policy violation is written to the console, where it is collected.
        self.context.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline') +"
            " ' at ' + e.documentURI); });"
        )
        self.page = self.context.new_page()
        self.page.on("console", self._note_csp_violation)

    def _note_csp_violation(self, message):
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _only_local(self, route, request):
        if urlsplit(request.url).hostname in LOCAL_HOSTS or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside_requests.append(request.url)
            route.abort()

    def goto(self, path: str):
        return self.page.goto(self.base_url + path, wait_until="load")

    def log_in(self, username: str, password: str = PASSWORD):
        """Signs in as a person does: the password, then, where the account asks for it, the second factor
        (the authenticator's current code, set up on the way if the role requires one)."""
        self.goto("/accounts/login/")
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        path = urlsplit(self.page.url).path
        if path.startswith("/accounts/two-factor/"):
            setting_up = path.startswith("/accounts/two-factor/set-up/")
            self.page.locator("input[name=code]").fill(current_code(username, confirmed=not setting_up))
            with self.page.expect_navigation():
                self.page.locator("main form button[type=submit]").click()
            if setting_up:  # the recovery codes, shown once
                with self.page.expect_navigation():
                    self.page.locator("main a.button").click()

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def axe_violations(self, *, impacts=("serious", "critical")) -> list[dict]:
        """Runs the locally installed axe-core on the current page; answers the violations of these impacts."""
        # Evaluated through the browser's debugging protocol: an injected <script> would break the portal's
        # Content-Security-Policy (no inline script), which the pages are checked under.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [violation for violation in results["violations"] if violation.get("impact") in impacts]

    def close(self):
        self.context.close()


def current_code(username: str, *, confirmed: bool = True) -> str:
    """The code the user's authenticator app shows now (its replay guard reset: tests sign in often)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=confirmed).latest("pk")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']}")
        lines.extend(f"    {node['target']}: {node.get('failureSummary', '')[:300]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.fixture(name="browsing")
def browsing_fixture(chromium, live_server):
    sessions: list[Browsing] = []

    def open_context(**size) -> Browsing:
        session = Browsing(chromium, live_server.url, **size)
        sessions.append(session)
        return session

    yield open_context
    outside = [url for session in sessions for url in session.outside_requests]
    csp_violations = [text for session in sessions for text in session.csp_violations]
    for session in sessions:
        session.close()
    assert outside == [], f"requests tried to leave the machine: {outside}"
    assert csp_violations == [], f"Content-Security-Policy violations: {csp_violations}"
