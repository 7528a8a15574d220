"""Issue 13, "filling in faster", walked in Chromium: a unit starts its empty worksheet from last
year, checks carried answers one by one, drops five files on an indicator (one of them refused by
name) and assigns the four good ones to questions; the kepala cannot submit while carried answers
are left unchecked. Key screens are shot at desktop and phone width (test-artifacts/library-*)."""

import base64
import re

from evaluations.demo import DEMO_PASSWORD
from evaluations.evidence import display_name
from evaluations.models import Answer, Evidence, Question, Worksheet
from tests.e2e.conftest import ARTIFACTS, login, wait_until

UNIT = "Kecamatan Sukamaju Kota"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
AREA = "I"


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n1 0 obj<< /Title ({text}) >>endobj\ntrailer<<>>\n%%EOF\n".encode()


GOOD = [("SK Tim Kerja ZI 2026.pdf", pdf("SK Tim Kerja")),
        ("Notulen-rapat-tim-ZI.pdf", pdf("Notulen rapat")),
        ("Daftar hadir sosialisasi.pdf", pdf("Daftar hadir")),
        ("Rencana_kerja_tim_ZI.pdf", pdf("Rencana kerja"))]
BAD = ("Laporan palsu.pdf", b"<!doctype html><html><body><script>alert(1)</script></body></html>")


def _files():
    return [{"name": name, "mimeType": "application/pdf", "buffer": data} for name, data in [*GOOD, BAD]]


def screens(page, name, overflow, element=None):
    """The page (or one ``element`` of it) at 1280 and at 390 px, and whether the phone scrolls sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        path = ARTIFACTS / f"library-{name}-{label}.png"
        if element is None:
            page.screenshot(path=str(path), full_page=True)
        else:
            element.scroll_into_view_if_needed()
            element.screenshot(path=str(path))
        if size is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                overflow.append(f"{name}: {page.url} is {width} px wide at 390 px")
    page.set_viewport_size(DESKTOP)


def test_a_unit_starts_from_last_year_checks_carried_answers_drops_five_files_and_assigns_them(
        demo_server, new_page):
    base, overflow = demo_server, []
    ws = Worksheet.objects.select_related("round").get(unit__name=UNIT, round__status="open")
    previous = Worksheet.objects.select_related("round").get(unit__name=UNIT, round__status="closed")
    assert not Answer.objects.filter(worksheet=ws).exclude(unit_option="").exists()  # the demo's empty worksheet

    page = new_page()
    page.set_viewport_size(DESKTOP)
    login(page, base, "operator.kecamatan", DEMO_PASSWORD)
    page.goto(f"{base}{ws.get_absolute_url()}")

    # --- Start from last year
    panel = page.get_by_test_id("carry-panel")
    assert previous.round.name in panel.inner_text()
    screens(page, "carry-panel", overflow)
    page.get_by_test_id("carry-button").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("carry-panel").count() == 0  # offered only while the worksheet is empty
    carried = Answer.objects.filter(worksheet=ws, carried=True).count()
    assert carried > 0
    summary = page.get_by_test_id("carried-summary").inner_text()
    assert f"{carried} jawaban dari periode sebelumnya belum diperiksa" in summary
    assert f"Mulai dari periode sebelumnya: {previous.round.name}" in page.get_by_test_id("timeline").inner_text()
    assert page.get_by_test_id("submit-button").count() == 0  # the operator does not submit
    screens(page, "carried-overview", overflow)

    # --- Check two carried answers: each save (in place) takes its badge away
    page.get_by_test_id(f"area-link-{AREA}").click()
    page.get_by_test_id("carried").first.wait_for()
    on_page = page.get_by_test_id("carried").count()
    assert on_page > 2
    first_card = page.locator(".question").filter(has=page.get_by_test_id("carried")).first
    screens(page, "carried-card", overflow, element=first_card)
    checked = []
    for _ in range(2):
        card = page.get_by_test_id(
            page.locator(".question").filter(has=page.get_by_test_id("carried")).first.get_attribute("data-testid"))
        checked.append(card.get_attribute("data-testid").removeprefix("question-"))
        save = card.get_by_role("button", name="Simpan — sudah diperiksa")
        save.click()
        card.get_by_test_id("saved-info").wait_for()
        card.get_by_test_id("carried").wait_for(state="detached")
        assert card.get_by_role("button", name="Simpan", exact=True).count() == 1
    assert page.get_by_test_id("carried").count() == on_page - 2
    assert page.url.endswith(f"/area/{AREA}/")  # saved in place: no page load
    wait_until(lambda: not Answer.objects.filter(worksheet=ws, question__key__in=checked, carried=True).exists())
    screens(page, "checked-card", overflow, element=page.get_by_test_id(f"question-{checked[0]}"))

    # --- Five files dropped at once on one indicator
    indicator_card = page.locator("[data-indicator]").first
    indicator_id = int(indicator_card.get_attribute("data-indicator"))
    questions = list(Question.objects.filter(indicator_id=indicator_id).order_by("order"))
    assert len(questions) >= 2
    indicator_card.get_by_test_id("bulk-indicator").click()
    page.wait_for_load_state("domcontentloaded")
    assert f"/kertas-kerja/{ws.pk}/area/{AREA}/bukti-sekaligus/?indikator={indicator_id}" in page.url
    drop = page.locator("input[name=files].dropzone-input")
    assert drop.get_attribute("multiple") is not None
    # Dropped, as from a file manager: a drop event carrying the five files on the drop zone.
    transfer = page.evaluate_handle("""(files) => {
        const dt = new DataTransfer();
        for (const f of files) {
            const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
            dt.items.add(new File([bytes], f.name, {type: f.mimeType}));
        }
        return dt;
    }""", [{"name": f["name"], "mimeType": f["mimeType"], "b64": base64.b64encode(f["buffer"]).decode()}
           for f in _files()])
    page.locator(".dropzone").dispatch_event("drop", {"dataTransfer": transfer})
    assert drop.evaluate("input => input.files.length") == 5
    assert page.get_by_test_id("dropzone-list").locator("li").count() == 5  # named before sending
    screens(page, "bulk-upload", overflow)
    page.get_by_test_id("bulk-submit").click()
    page.wait_for_url("**/bukti-sekaligus/tetapkan/?dok=*")

    refused = page.get_by_test_id("bulk-refused")
    assert display_name(BAD[0]) in refused.inner_text()  # the bad file, by name, with its reason
    assert "tidak sesuai dengan ekstensinya" in refused.inner_text()
    docs = page.get_by_test_id("assign-doc")
    assert docs.count() == 4
    titles = [display_name(name) for name, _ in GOOD]
    shown = "\n".join(docs.all_inner_texts())
    assert all(t in shown for t in titles) and display_name(BAD[0]) not in shown
    # Two files to the first question, two to the second; the first file to both.
    plan = {}
    for i in range(4):
        fieldset = docs.nth(i)
        title = next(t for t in titles if t in fieldset.inner_text())
        targets = [questions[0]] if i < 2 else [questions[1]]
        if i == 0:
            targets.append(questions[1])
        for q in targets:
            fieldset.locator(f"input[type=checkbox][value='{q.pk}']").check()
            plan.setdefault(q.pk, []).append(title)
    screens(page, "bulk-assign", overflow)
    page.get_by_test_id("assign-submit").click()
    page.wait_for_url(f"**/kertas-kerja/{ws.pk}/area/{AREA}/#ind-{indicator_id}")
    page.get_by_text("5 bukti dukung dilampirkan.").wait_for()
    for q in questions[:2]:
        items = page.locator(f"#q-{q.pk}").get_by_test_id("evidence-item")
        texts = "\n".join(items.all_inner_texts())
        for title in plan[q.pk]:
            assert title in texts, f"{title} not on the card of {q.key}: {texts!r}"
    attached = Evidence.objects.filter(answer__worksheet=ws, answer__question__in=questions[:2],
                                       document__title__in=titles)
    assert attached.count() == 5
    screens(page, "assigned-indicator", overflow, element=page.locator(f"#ind-{indicator_id}"))
    page.get_by_role("button", name="Keluar").click()

    # --- The kepala cannot submit while carried answers are unchecked
    kepala = new_page()
    kepala.set_viewport_size(DESKTOP)
    login(kepala, base, "kepala.kecamatan", DEMO_PASSWORD)
    kepala.goto(f"{base}{ws.get_absolute_url()}")
    button = kepala.get_by_test_id("submit-button")
    assert button.is_disabled()
    left = carried - 2
    summary = kepala.get_by_test_id("carried-summary").inner_text()
    assert f"{left} jawaban dari periode sebelumnya belum diperiksa" in summary
    listing = kepala.get_by_test_id("missing-carried")
    if not listing.is_visible():  # a long list starts folded
        kepala.get_by_test_id("submit-panel").locator("summary", has_text="Lihat rinciannya").click()
    assert listing.is_visible()
    # One line per area with its count (and a link to it), adding up to what is left to check.
    areas = listing.get_by_test_id("missing-carried-area").all_inner_texts()
    assert sum(int(re.search(r": (\d+) jawaban", t).group(1)) for t in areas) == left, areas
    screens(kepala, "kepala-submit-panel", overflow, element=kepala.get_by_test_id("submit-panel"))
    screens(kepala, "kepala-overview", overflow)

    assert not overflow, "Pages scroll sideways on a phone:\n" + "\n".join(overflow)
