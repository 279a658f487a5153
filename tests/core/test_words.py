"""No internal strings in the UI (issue 16, item 2): walk every page (GET, HTML answers) as every role and as nobody,
in Indonesian (and in English as the administrator and as nobody), and read the text a person sees — tags,
attributes, <script>, <style>, form fields' contents and deliberately machine text (<code>, <kbd>, <samp>,
translate="no") left out. It must hold no ISO date or month (2025-01, 2025-01-20: a person reads "Januari 2025",
"20 Januari 2025"), no code of the program (age_too_old, claims.document_uploaded, scenario:2), and in Indonesian
none of the English words below.

The pages are found as the leak walk finds them (tests/walk.py: its world, its URL discovery), so a new page
joins this walk too. Files and the API (xlsx for BPJS, CSV, JSON) keep ISO dates: only text/html is read."""

import re
from collections import defaultdict
from html.parser import HTMLParser

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from tests.walk import SKIP_NAMESPACES, kwargs_for, params_of, url_patterns


ROLES = ["admin", "operator", "camat", "desa", "bpjs", "pimpinan", "auditor", None]  # None: not logged in
# Every role reads the Indonesian UI. ISO dates and codes come from templates and data, the same in both languages,
# so English, the source language, is read as the office administrator (who sees most pages) and as nobody only.
ENGLISH_ROLES = {"admin", None}
ISO = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+(?:\.[a-z_]+)*\.[a-z]+_[a-z_]+\b|\b[a-z_]+:\d+\b")
# English that must never show in the Indonesian UI. "April", "September" and "November" are Indonesian too.
ENGLISH = re.compile(r"\b(?:None|True|False|Scenario|Approved|Draft|Pending|Rejected|Submitted|Paid|Unpaid|January|"
                     r"February|March|May|June|July|August|October|December)\b")
MACHINE = {"script", "style", "textarea", "code", "kbd", "samp", "template"}
FILES = (".xlsx", ".csv", ".pdf", ".json", ".zip", ".txt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# What the walk still finds, to fix (issue 16, item 2): (page name, kind, text found). Nothing is skipped silently:
# an entry here that the walk no longer finds fails the test too, so the list only shrinks.
STILL_TO_FIX: set[tuple[str, str, str]] = set()


class VisibleText(HTMLParser):
    """The text of a page as a person sees it: no tags, attributes, scripts, styles or machine text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # the open elements whose text is not read

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.hidden:
            if tag == self.hidden[-1]:
                self.hidden.append(tag)
        elif tag in MACHINE or dict(attrs).get("translate") == "no" or "hidden" in dict(attrs):
            self.hidden.append(tag)

    def handle_endtag(self, tag):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def findings(text: str, language: str) -> dict[tuple[str, str], str]:
    """(kind, text found) -> the words around it."""
    kinds = [("iso", ISO), ("code", CODE)] + ([("english", ENGLISH)] if language == "id" else [])
    return {(kind, m.group()): text[max(0, m.start() - 50):m.end() + 30] for kind, regex in kinds
            for m in regex.finditer(text)}


def test_the_visible_text_leaves_out_markup_and_machine_text():
    html = ('<p title="2025-01">Januari 2025 <input value="2025-01-20"><code>age_too_old</code>'
            '<span translate="no">scenario:2</span><script>var a = "2025-01";</script></p><b>None</b>')
    assert VisibleText.of(html) == "Januari 2025 None"
    assert set(findings("Bulan 2025-01, 17 Desember 2024, skenario age_too_old scenario:2 claims.document_uploaded",
                    "id")) == {("iso", "2025-01"), ("code", "age_too_old"), ("code", "scenario:2"),
                              ("code", "claims.document_uploaded")}
    assert set(findings("Dibayar 20 May 2025; telepon 0812-3456-7890; kartu 24010000000-1", "id")) == {("english", "May")}
    assert not findings("Paid 20 May 2025", "en")


def test_no_page_shows_internal_strings(client, world):
    users, _workers, _tokens, values = world
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (page, kind, text) -> where
    pages = 0
    client.raise_request_exception = False  # a page that fails is a finding like the others
    for username in ROLES:
        for language in ("id", "en") if username in ENGLISH_ROLES else ("id",):
            client.logout()
            if username:
                client.force_login(users[username])
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for namespace, pattern, outer in url_patterns():
                if namespace.rstrip(":") in SKIP_NAMESPACES | {"api"} or pattern.name is None:
                    continue
                name = namespace + pattern.name
                if name == "accounts:logout":
                    continue
                for kwargs in kwargs_for(name, params_of(pattern, outer), values):
                    try:
                        url = reverse(name, kwargs=kwargs)
                    except NoReverseMatch:
                        continue
                    if url.endswith(FILES):  # machine files keep ISO (and take long to make)
                        continue
                    response = client.get(url)
                    if response.status_code >= 500:
                        found[(name, "error", str(response.status_code))].add(url)
                    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                        continue
                    pages += 1
                    for (kind, text), around in findings(VisibleText.of(response.content.decode()), language).items():
                        found[(name, kind, text)].add(f"{url} as {username or 'nobody'} ({language}): …{around}…")
    assert pages > 200  # the walk really walked
    new = {k: sorted(v)[:3] for k, v in found.items() if k not in STILL_TO_FIX}
    fixed = STILL_TO_FIX - set(found)
    report = "\n".join(f"{k}: {', '.join(v)}" for k, v in sorted(new.items()))
    assert not new, f"Internal strings in the UI ({len(new)}):\n{report}"
    assert not fixed, f"Fixed, take them off STILL_TO_FIX: {sorted(fixed)}"

    # The audit trail names what the pages name: an action in words, a scenario by its number and programme.
    client.force_login(users["auditor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    audit = VisibleText.of(client.get(reverse("audit:events"), {"target_type": "scenario"}).content.decode())
    assert "Skenario disimpan" in audit and "Skenario #1 program kaur-2025" in audit
