"""The LKE template as data, evaluation rounds, worksheets, answers, evidence and events.

Template: TemplateVersion → Component → Area → Part → Indicator → Question → Option.
A round uses one template version; each participating unit has one Worksheet per round, holding
one Answer per question with three value sets (unit, TPI, TPN).
"""

from .exports import GeneratedFile, RecapExport
from .library import Document, DocumentVersion, document_upload_to
from .prerequisites import PrerequisiteDefinition, PrerequisiteRecord, prerequisite_upload_to
from .rounds import CarryOver, Round, RoundEvent, RoundQuerySet
from .scores import AreaScore, Kawasan, WorksheetScore
from .template import (
    NUMBER_TYPES,
    OPTION_TYPES,
    AnswerType,
    Area,
    Component,
    Indicator,
    Option,
    Part,
    Question,
    ReadinessRule,
    TemplateVersion,
)
from .worksheets import (
    Answer,
    Evidence,
    Worksheet,
    WorksheetEvent,
    evidence_upload_to,
)

__all__ = [
    "NUMBER_TYPES", "OPTION_TYPES", "Answer", "AnswerType", "Area", "AreaScore", "CarryOver", "Component",
    "Document", "DocumentVersion", "Evidence",
    "Indicator", "Kawasan", "Option", "Part", "PrerequisiteDefinition", "PrerequisiteRecord", "Question", "ReadinessRule", "RecapExport", "GeneratedFile",
    "Round", "RoundEvent", "RoundQuerySet", "TemplateVersion", "Worksheet", "WorksheetEvent",
    "WorksheetScore", "document_upload_to", "evidence_upload_to", "prerequisite_upload_to",
]
