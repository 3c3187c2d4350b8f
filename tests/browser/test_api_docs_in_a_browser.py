"""The API's reference pages work offline: Swagger UI and Redoc render the schema from the portal's own files,
with no request leaving the machine."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("path", "rendered"), [
    ("/api/v1/docs/", ".swagger-ui .info .title"),
    ("/api/v1/redoc/", "h1"),
])
def test_the_api_reference_renders_from_the_portals_own_files(browsing, path, rendered):
    session = browsing()
    session.goto(path)
    title = session.page.locator(rendered).first
    title.wait_for()
    assert "ISO 9001 rollout portal API" in title.inner_text()
    assert session.outside_requests == []
