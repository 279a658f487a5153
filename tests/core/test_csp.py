"""No page carries inline script, so the Content-Security-Policy can refuse all of it: every template is read for
<script> without src (JSON data blocks aside) and for on…= handlers, and every answer carries the policy."""

import re
from pathlib import Path

import lindung

TEMPLATES = sorted(Path(lindung.__file__).parent.glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    assert len(TEMPLATES) > 50
    found = [f"{t.relative_to(t.parents[2])}: {m.group(0).strip()}" for t in TEMPLATES
             for m in [*INLINE_SCRIPT.finditer(t.read_text()), *HANDLER.finditer(t.read_text())]]
    assert not found, "inline script (use a static file and data- attributes):\n" + "\n".join(found)


def test_every_answer_carries_the_policy(client, users):
    for path in ("/akun/masuk/", "/static/lindung/app.css", "/api/openapi.json", "/tidak-ada/"):
        policy = client.get(path).headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
