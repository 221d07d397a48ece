"""CDS Hooks 2.0.1 wire models: request, response (cards), discovery, feedback."""

from cds_hooks.models.card import Action, Card, CdsResponse, Coding, Link, Source, Suggestion
from cds_hooks.models.discovery import DiscoveryResponse, ServiceDescription
from cds_hooks.models.feedback import FeedbackItem, FeedbackRequest
from cds_hooks.models.request import FhirAuthorization, HookContext, HookRequest

__all__ = [
    "Action",
    "Card",
    "CdsResponse",
    "Coding",
    "DiscoveryResponse",
    "FeedbackItem",
    "FeedbackRequest",
    "FhirAuthorization",
    "HookContext",
    "HookRequest",
    "Link",
    "ServiceDescription",
    "Source",
    "Suggestion",
]
