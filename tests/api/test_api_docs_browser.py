"""/api/docs in real Chromium: Swagger UI renders the OpenAPI 3.1 document from our own
static files, under the app's CSP, with no request to any other host and no console error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_the_viewer_renders_every_operation(live, browser):
    from test_browser import assert_accessible  # tests/wizard, on sys.path

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    hosts, problems = set(), []
    tab.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    tab.on("console", lambda m: problems.append((m.text, m.location.get("url")))
           if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    failed = []
    tab.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    try:
        tab.goto(f"{live}/api/docs")
        tab.wait_for_selector(".opblock-summary-path")
        paths = set(tab.locator(".opblock-summary-path").all_inner_texts())
        assert {"/api/v1/screen", "/api/v1/trials", "/api/v1/trials/{nct_id}",
                "/api/v1/referrals"} <= {p.replace("\u200b", "") for p in paths}
        assert tab.locator(".btn.authorize").count() == 1  # the bearer scheme is offered
        assert hosts == {urlsplit(live).netloc}, hosts
        # The site has no favicon (every page): Chromium's own request for it is not ours.
        problems = [p for p in problems if not (p[1] or "").endswith("/favicon.ico")]
        assert not failed and not problems, (failed, problems)
        assert_accessible(tab)
    finally:
        context.close()
