"""How long typed text may be, in one place: the forms, the workbook import and the services all
use these, so no path can store more than another (pure, no imports)."""

EXPLANATION = 5000  # a unit's explanation of an answer
TPI_NOTE = 5000  # a TPI note on an answer
DECISION_COMMENT = 5000  # a return / approve / reopen comment
SUBMIT_COMMENT = 2000
EVIDENCE_DESCRIPTION = 300
URL = 500
REASON = 500  # a deadline extension's reason, a prerequisite note
