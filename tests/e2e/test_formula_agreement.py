"""The live preview in the browser and the server compute every formula of the LKE the same way:
the same inputs through ``window.ZIFormula`` (static/js/worksheet.js) in Chromium and through
``evaluations.scoring``, the same text on the page — empty bases, capped ratios and computed counts
included. Then as an operator would: counts typed, the preview read, the card saved, the server's
rendering read."""

import itertools
import json
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.utils import translation

from evaluations import scoring, selectors
from evaluations.models import Question
from tests import factories as f
from tests.e2e.conftest import login
from units.models import Membership

VALUES = [None, 0, 1, 2, 3, 7, 25, 1234]


@pytest.fixture
def operator_area(live_server, transactional_db):
    call_command("load_lke", verbosity=0)
    inst = f.instansi("Pemerintah Kabupaten Uji")
    unit = f.unit(inst, "Dinas Kependudukan dan Pencatatan Sipil")
    f.member(inst, Membership.Role.OPERATOR, unit, "operator")
    ws = f.worksheet(f.round_(inst, name="Evaluasi ZI 2026"), unit)
    return live_server.url, ws


def _cases():
    """Every computed row of the real template with count combinations: the edge cases (all zero,
    one missing, a capped ratio) and a fixed random sample of the rest."""
    rng = random.Random(2026)
    out = []
    for ind in [i for c in selectors.template_spec(f.lke().pk).components for a in c.areas for p in a.parts
                for i in p.indicators if any(q.formula for q in i.questions)]:
        inputs = [q.code for q in ind.questions if q.answer_type == scoring.JUMLAH and not q.formula]
        combos = {tuple([0] * len(inputs)), tuple([1] * len(inputs)), tuple([None] + [0] * (len(inputs) - 1)),
                  tuple([25] + [1234] * (len(inputs) - 1)), tuple([1234] + [25] * (len(inputs) - 1))}
        everything = list(itertools.product(VALUES, repeat=len(inputs)))
        combos.update(rng.sample(everything, min(80, len(everything))))
        for combo in sorted(combos, key=str):
            out.append((ind, dict(zip(inputs, combo, strict=True))))
    return out


def _server(ind, counts):
    """What the server shows for each computed row: a count, or a percentage with its note and cap."""
    answers = {f"{ind.key}.{code}": scoring.AnswerValue(number=None if n is None else Decimal(n))
               for code, n in counts.items()}
    resolved = scoring.resolve_counts(ind.questions, answers)
    shown = {}
    for q in ind.questions:
        if not q.formula:
            continue
        if q.answer_type == scoring.JUMLAH:
            v = resolved[q.code]
            shown[q.code] = None if v is None else floatformat(v, "0g")
            continue
        c = scoring.compute(q, resolved)
        shown[q.code] = {"value": None if c.value is None else floatformat(scoring.to_cents(c.value * 100), "2g") + "%",
                         "note": c.note, "capped": c.capped,
                         "raw": floatformat(scoring.to_cents(c.raw * 100), "2g") + "%" if c.capped else None}
    return shown


BROWSER = """(cases) => cases.map(([questions, counts]) => {
  const Z = window.ZIFormula, values = {}, computed = [], shown = {};
  for (const [code, n] of Object.entries(counts)) values[code] = n === null ? null : Z.parseCount(String(n));
  for (const q of questions) if (q.formula && q.type === "jumlah") computed.push({code: q.code, formula: q.formula});
  Z.resolveCounts(values, computed);
  for (const q of questions) {
    if (!q.formula) continue;
    if (q.type === "jumlah") { shown[q.code] = values[q.code] ? Z.formatCount(values[q.code]) : null; continue; }
    const r = Z.compute(q.formula, q.empty_base, values);
    shown[q.code] = {value: r.value === null ? null : Z.formatPercent(r.value), note: r.note, capped: r.capped,
                     raw: r.capped ? Z.formatPercent(r.raw) : null};
  }
  return shown;
})"""


def test_browser_and_server_agree_on_every_formula(operator_area, new_page):
    base, ws = operator_area
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/area/V/")
    page.wait_for_function("window.ZIFormula !== undefined")
    cases = _cases()
    with translation.override("id"):
        expected = [_server(ind, counts) for ind, counts in cases]
    payload = [([{"code": q.code, "type": q.answer_type, "formula": q.formula,
                  "empty_base": [{"if_zero": e.if_zero, "percent": str(e.percent), "note": e.note}
                                 for e in q.empty_base]} for q in ind.questions], counts) for ind, counts in cases]
    got = page.evaluate(BROWSER, payload)
    mismatches = [(ind.key, counts, want, have) for (ind, counts), want, have in zip(cases, expected, got, strict=True)
                  if json.loads(json.dumps(want)) != have]
    assert len(cases) > 300
    assert not mismatches, "\n".join(map(str, mismatches[:10]))
    # The edge cases this issue is about are among them.
    seen = {(ind.key, json.dumps(want, sort_keys=True)) for (ind, _), want in zip(cases, expected, strict=True)}
    assert any(k == "V.reform.ii" and "Tidak ada pengaduan" in w for k, w in seen)
    assert any(k == "III.reform.iii" and "maupun tahun ini" in w for k, w in seen)
    assert any('"capped": true' in w for _, w in seen)


def _typed(page, key, value):
    page.get_by_test_id(f"question-{key}").locator("input[name=number]").fill(value)


def _computed(page, key):
    return page.get_by_test_id(f"question-{key}").get_by_test_id("computed").inner_text()


def _type_indicator(page, values):
    """Type counts into one indicator's cards, then let each card save itself (on change) before
    going on: one indicator at a time, as a person works down the page."""
    for key, value in values.items():
        _typed(page, key, value)
    page.keyboard.press("Tab")  # the last field loses focus: its change saves it too
    for key in values:
        page.get_by_test_id(f"question-{key}").get_by_test_id("saved-info").wait_for()


def test_what_the_operator_sees_while_typing_is_what_the_server_shows_after_saving(operator_area, new_page, shot):
    base, ws = operator_area
    page = new_page()
    login(page, base, "operator", f.PASSWORD)
    page.goto(f"{base}/kertas-kerja/{ws.pk}/area/V/")
    _type_indicator(page, {f"V.reform.ii.{code}": "0" for code in "bcd"})  # no complaints at all
    # LHKPN: 1.234 reported of 10 obliged.
    _type_indicator(page, {f"V.reform.iii.{code}": value for code, value in zip("cdef", ("1", "6", "3", "1.234"), strict=True)})
    live = {key: _computed(page, key) for key in ("V.reform.ii.a", "V.reform.iii.a", "V.reform.iii.b")}
    assert "100,00% — Tidak ada pengaduan yang harus ditindaklanjuti — dinilai 100%" in live["V.reform.ii.a"]
    assert live["V.reform.iii.b"].endswith(": 10")
    assert "memberi 12.340,00% — dibatasi 100%" in live["V.reform.iii.a"]
    shot(page, "formula-preview-typed")
    page.reload()
    assert {key: _computed(page, key) for key in live} == live
    assert Question.objects.get(key="V.reform.iii.b").takes_input is False
