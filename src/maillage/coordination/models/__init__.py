"""Models of the care-cooperation app: the network directory, pathways and the shared record."""

from maillage.coordination.models.network import (
    CareProfession,
    HealthcareService,
    NetworkMembership,
    NetworkProfessional,
    ServiceCategory,
)
from maillage.coordination.models.pathways import (
    AccessLogEntry,
    ActivityCondition,
    ActivityDefinition,
    Alert,
    CareTask,
    CareTeamMember,
    Condition,
    Consent,
    Encounter,
    Observation,
    Pathway,
    PathwayTemplate,
    Patient,
)
from maillage.coordination.models.record import (
    Document,
    Message,
    Questionnaire,
    QuestionnaireResponse,
    Teleconsultation,
)

__all__ = [
    "AccessLogEntry",
    "ActivityCondition",
    "ActivityDefinition",
    "Alert",
    "CareProfession",
    "CareTask",
    "CareTeamMember",
    "Condition",
    "Consent",
    "Document",
    "Encounter",
    "HealthcareService",
    "Message",
    "NetworkMembership",
    "NetworkProfessional",
    "Observation",
    "Pathway",
    "PathwayTemplate",
    "Patient",
    "Questionnaire",
    "QuestionnaireResponse",
    "ServiceCategory",
    "Teleconsultation",
]
