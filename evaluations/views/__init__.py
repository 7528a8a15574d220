from .dashboard import round_detail, round_hasil, round_status, round_summary, worksheet_scorecard  # noqa: F401
from .excel import export_lke, export_recap, import_lke, recap_download, recap_status  # noqa: F401
from .home import home, my_worksheets, round_list  # noqa: F401
from .library import (  # noqa: F401
    bulk_assign,
    bulk_upload,
    evidence_attach,
    library_add,
    library_check_links,
    library_delete,
    library_document,
    library_download,
    library_list,
    library_version,
)
from .prerequisites import (  # noqa: F401
    round_prerequisite_evidence,
    round_prerequisites,
    worksheet_prerequisite_evidence,
    worksheet_prerequisites,
)
from .review import review_answer_save, review_area, review_decide, review_queue  # noqa: F401
from .worksheet import (  # noqa: F401
                        answer_save,
                        area_detail,
                        evidence_delete,
                        evidence_download,
                        evidence_forms,
                        evidence_link,
                        evidence_upload,
                        round_carry_over,
                        worksheet_assign,
                        worksheet_carry_over,
                        worksheet_detail,
                        worksheet_extend,
                        worksheet_extend_review,
                        worksheet_submit,
)
