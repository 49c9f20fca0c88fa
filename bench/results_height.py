"""How long the results page is on a phone, and how many pages it prints, per example profile.

    .venv/bin/python bench/results_height.py [--lang en|es|both] [--profiles DIR] [--strict]

For each example profile (``/work/shared/examples/profiles`` when it exists,
else ``tests/data/example_profiles``) the results page is rendered for that
profile, exactly as the wizard's results view renders it (``render_results``),
and opened in headless Chromium at 390 x 844 CSS px (a common phone), with its
stylesheets served by the app on loopback. Printed: the page height in CSS px,
that height in phone screens, and the number of pages it prints to (Letter,
Chromium's ``page.pdf``), all with every ``<details>`` folded as the page loads.

Two catalogues, as patients meet them: the bundled curated trials alone, and
curated plus the registry snapshot of the shared ClinicalTrials.gov records
(``sync --from-dir``, as the tests load it), which is what a deployed app with
a synced snapshot shows.

Targets (issue 9): the whole page within 6 phone screens, and the summary and
the care-team checklist within the first screen.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from targets import Targets, add_strict_option  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
SHARED = Path("/work/shared/examples/profiles")
BUNDLED = ROOT / "tests" / "data" / "example_profiles"
STUDIES = ROOT / "tests" / "trials" / "data" / "studies"
MAX_SCREENS = 6


def make_app(tmp: Path, registry: bool):
    """The real app on a temporary SQLite database; with the shared registry records synced."""
    from screener import create_app

    app = create_app({"SECRET_KEY": "bench", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                      }, instance_path=tmp)
    if registry:
        with app.app_context():
            from screener.trials import snapshot
            outcome = snapshot.sync_from_dir(STUDIES)
            if not outcome.ok:
                raise SystemExit(f"sync failed: {outcome}")
    return app


def render(app, profile: dict, lang: str) -> str:
    """The results page's HTML for ``profile`` in ``lang``, as the results view renders it."""
    from screener.profile import validate_profile
    from screener.wizard.routes import render_results

    validate_profile(profile)
    with app.test_request_context("/screen/results", headers={"Accept-Language": lang}):
        return render_results(profile)


def serve(app):
    """The app on an ephemeral loopback port (for its stylesheets); returns (base, stop)."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()

    def stop():
        srv.shutdown()
        thread.join(timeout=5)
    return f"http://127.0.0.1:{srv.server_port}", stop


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF Chromium wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def measure(browser, base: str, html: str) -> dict:
    """Height (CSS px), where the checklist ends, and printed pages of one rendered page."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    url = base + "/bench/results"
    page.route(url, lambda route: route.fulfill(body=html,
                                                content_type="text/html; charset=utf-8"))
    page.goto(url)
    height = page.evaluate("document.documentElement.scrollHeight")
    first = page.evaluate("""() => {
        const el = document.querySelector('#checklist');
        return el ? el.getBoundingClientRect().bottom + window.scrollY : null; }""")
    pages = pdf_pages(page.pdf(format="Letter", print_background=True))
    context.close()
    return {"height": height, "checklist_bottom": first, "print_pages": pages}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["en", "es", "both"], default="en")
    parser.add_argument("--profiles", type=Path,
                        default=SHARED if SHARED.is_dir() else BUNDLED)
    add_strict_option(parser)
    args = parser.parse_args(argv)
    langs = ["en", "es"] if args.lang == "both" else [args.lang]
    profiles = {p.stem: json.loads(p.read_text()) for p in sorted(args.profiles.glob("*.json"))}

    import playwright.sync_api as pw

    targets = Targets()
    print(f"results page at {PHONE['width']}x{PHONE['height']} CSS px, details folded; "
          f"target: at most {MAX_SCREENS} screens ({MAX_SCREENS * PHONE['height']} px), "
          f"summary and checklist within the first {PHONE['height']} px")
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for registry in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                app = make_app(Path(tmp), registry)
                base, stop = serve(app)
                try:
                    print("\ncatalogue:", "curated + registry snapshot" if registry
                          else "curated only")
                    for lang in langs:
                        for name, profile in profiles.items():
                            m = measure(browser, base, render(app, profile, lang))
                            screens = m["height"] / PHONE["height"]
                            first = m["checklist_bottom"]
                            where = ("" if first is None else
                                     f", summary+checklist end at {first:.0f} px")
                            targets.check(
                                f"  {lang} {name:36s} {m['height']:6d} px = {screens:4.1f} "
                                f"screens, prints {m['print_pages']:2d} pages{where}",
                                screens <= MAX_SCREENS
                                and (first is None or first <= PHONE["height"]))
                finally:
                    stop()
        browser.close()
    return targets.exit_code(args.strict)


if __name__ == "__main__":
    sys.exit(main())
