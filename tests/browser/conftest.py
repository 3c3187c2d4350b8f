from tests.browser.support import browsing_fixture, chromium_fixture  # noqa: F401  (fixtures shared with the accessibility checks)
