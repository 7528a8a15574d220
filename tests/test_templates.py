"""Templates as files: mistakes that would show on a page as stray text."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_template_comment_spans_lines():
    """Django's {# … #} ends at the line's end: a comment over two lines is printed on the page."""
    spanning = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                if any("\n" in m for m in re.findall(r"\{#(.*?)#\}", p.read_text(), flags=re.S))]
    assert not spanning, spanning
