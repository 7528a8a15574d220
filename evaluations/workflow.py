"""Worksheet workflow: pure transition table and who may move a worksheet where.

    draft ──submit──▶ submitted ──start_review──▶ in_review ──approve──▶ approved
      ▲                  │   ▲                      │                      │
      │                  │   └──────resubmit────────┼── returned ◀─return──┤
      │                  └──return / approve────────┘                      │
      └───────────────────────────── reopen (admin) ◀──────────────────────┘

The unit edits only in ``draft`` (everything) and ``returned`` (the flagged answers).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

DRAFT, SUBMITTED, IN_REVIEW, RETURNED, APPROVED = "draft", "submitted", "in_review", "returned", "approved"
OPERATOR, KEPALA, TPI, ADMIN = "operator", "kepala", "tpi", "admin"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    needs_comment: bool = False


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("submit", (DRAFT,), SUBMITTED, frozenset({KEPALA})),
    Transition("resubmit", (RETURNED,), SUBMITTED, frozenset({KEPALA})),
    Transition("start_review", (SUBMITTED,), IN_REVIEW, frozenset({TPI, ADMIN})),
    Transition("return", (SUBMITTED, IN_REVIEW), RETURNED, frozenset({TPI, ADMIN}), needs_comment=True),
    Transition("approve", (SUBMITTED, IN_REVIEW), APPROVED, frozenset({TPI, ADMIN})),
    Transition("reopen", (APPROVED,), IN_REVIEW, frozenset({ADMIN}), needs_comment=True),
]}

UNIT_EDITABLE = frozenset({DRAFT, RETURNED})
TPI_EDITABLE = frozenset({SUBMITTED, IN_REVIEW})
TPI_DECIDED = frozenset({RETURNED, APPROVED})  # the unit sees the TPI's values and notes from here


class Why(enum.Enum):
    """Why a move is refused: the services turn each into an access denial or a refusal with words."""

    UNKNOWN_ACTION = "unknown_action"
    WRONG_STATUS = "wrong_status"  # a business refusal: not from this status
    WRONG_ROLE = "wrong_role"  # an access denial: not this person's move
    NEEDS_COMMENT = "needs_comment"  # a business refusal: say why first


class TransitionError(Exception):
    """The move is not allowed; ``why`` says which rule (never read the message)."""

    def __init__(self, why: Why, action: str, status: str = ""):
        super().__init__(f"{action} from {status or '?'}: {why.value}")
        self.why, self.action, self.status = why, action, status


def transition_for(action: str, status: str, roles: set[str] | frozenset[str], comment: str = "") -> Transition:
    """The transition an action takes from a status, or TransitionError saying why not."""
    try:
        t = TRANSITIONS[action]
    except KeyError:
        raise TransitionError(Why.UNKNOWN_ACTION, action, status) from None
    if not (t.roles & set(roles)):
        raise TransitionError(Why.WRONG_ROLE, action, status)
    if status not in t.sources:
        raise TransitionError(Why.WRONG_STATUS, action, status)
    if t.needs_comment and not comment.strip():
        raise TransitionError(Why.NEEDS_COMMENT, action, status)
    return t


def allowed_actions(status: str, roles: set[str] | frozenset[str]) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if status in t.sources and t.roles & set(roles)]


def unit_can_edit(status: str) -> bool:
    return status in UNIT_EDITABLE
