from .pages import home, my_worksheets, review_queue, round_detail, round_list, worksheet_detail  # noqa: F401
from .worksheet import (answer_save, area_detail, evidence_delete, evidence_download, evidence_link,  # noqa: F401
                        evidence_upload, worksheet_extend, worksheet_submit)
from .review import review_answer_save, review_area, review_decide  # noqa: F401
