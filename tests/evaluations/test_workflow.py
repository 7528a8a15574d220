"""Pure workflow tests: who may move a worksheet where."""

import pytest

from evaluations import workflow as wf


@pytest.mark.parametrize("action,status,roles,target", [
    ("submit", wf.DRAFT, {wf.KEPALA}, wf.SUBMITTED),
    ("resubmit", wf.RETURNED, {wf.KEPALA}, wf.SUBMITTED),
    ("start_review", wf.SUBMITTED, {wf.TPI}, wf.IN_REVIEW),
    ("approve", wf.IN_REVIEW, {wf.TPI}, wf.APPROVED),
    ("approve", wf.SUBMITTED, {wf.ADMIN}, wf.APPROVED),
    ("reopen", wf.APPROVED, {wf.ADMIN}, wf.IN_REVIEW),
])
def test_allowed_moves(action, status, roles, target):
    comment = "catatan" if wf.TRANSITIONS[action].needs_comment else ""
    assert wf.transition_for(action, status, roles, comment).target == target


@pytest.mark.parametrize("action,status,roles", [
    ("submit", wf.DRAFT, {wf.OPERATOR}),  # only the head of unit submits
    ("submit", wf.SUBMITTED, {wf.KEPALA}),  # twice
    ("approve", wf.DRAFT, {wf.TPI}),  # nothing to approve yet
    ("approve", wf.IN_REVIEW, {wf.KEPALA}),  # the unit cannot approve itself
    ("reopen", wf.APPROVED, {wf.TPI}),  # only an admin reopens
    ("return", wf.APPROVED, {wf.TPI}),
    ("fly", wf.DRAFT, {wf.ADMIN}),
])
def test_refused_moves(action, status, roles):
    with pytest.raises(wf.TransitionError):
        wf.transition_for(action, status, roles, "catatan")


def test_return_needs_a_comment():
    with pytest.raises(wf.TransitionError) as refused:
        wf.transition_for("return", wf.IN_REVIEW, {wf.TPI}, "   ")
    assert refused.value.why == wf.Why.NEEDS_COMMENT


@pytest.mark.parametrize("action, status, roles, why", [
    ("approve", wf.IN_REVIEW, {wf.KEPALA}, wf.Why.WRONG_ROLE),  # not this person's move, whatever the status
    ("approve", wf.DRAFT, {wf.KEPALA}, wf.Why.WRONG_ROLE),
    ("approve", wf.DRAFT, {wf.TPI}, wf.Why.WRONG_STATUS),
    ("fly", wf.DRAFT, {wf.ADMIN}, wf.Why.UNKNOWN_ACTION),
])
def test_a_refused_move_says_which_rule_refused_it(action, status, roles, why):
    with pytest.raises(wf.TransitionError) as refused:
        wf.transition_for(action, status, roles, "catatan")
    assert refused.value.why == why


def test_allowed_actions_per_role():
    assert wf.allowed_actions(wf.DRAFT, {wf.OPERATOR}) == []
    assert wf.allowed_actions(wf.DRAFT, {wf.KEPALA}) == ["submit"]
    assert set(wf.allowed_actions(wf.IN_REVIEW, {wf.TPI})) == {"return", "approve"}


def test_unit_edits_only_draft_and_returned():
    assert [s for s in (wf.DRAFT, wf.SUBMITTED, wf.IN_REVIEW, wf.RETURNED, wf.APPROVED) if wf.unit_can_edit(s)] == [
        wf.DRAFT, wf.RETURNED]
