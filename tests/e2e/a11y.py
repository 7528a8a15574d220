"""axe-core (bundled by axe-playwright-python, run inside the page) against WCAG 2.0/2.1 A and AA."""

from axe_playwright_python.sync_playwright import Axe

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}
_axe = Axe()


def violations(page) -> list[str]:
    """Each WCAG 2 A/AA violation on the page as it is now: rule, where, and axe's reason."""
    found = _axe.run(page, options=WCAG_AA).response["violations"]
    return [f"{page.url} {v['id']} ({v['impact']}): {', '.join(str(t) for n in v['nodes'][:5] for t in n['target'])}"
            f" — {(v['nodes'][0]['any'] or v['nodes'][0]['all'] or [{'message': v['help']}])[0]['message']}"
            for v in found]
