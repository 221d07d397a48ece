"""Errors the protocol layer answers with, and the JSON bodies it sends for them.

Exception tree:

    CdsError                      -> 4xx with {"error": code, "message": ...}
    ├── BadRequest                -> 400 (malformed JSON, wrong types, invalid UTF-8)
    │   ├── UnknownCard           -> 400 (feedback on a card not issued to this caller)
    │   ├── UnknownSuggestion     -> 400 (feedback accepting a suggestion the card did not have)
    │   └── FeedbackRefused       -> 400 (feedback items refused for different reasons)
    ├── FeedbackConflict          -> 409 (feedback contradicting the card's stored feedback)
    ├── UnknownService            -> 404
    ├── PayloadTooLarge           -> 413
    ├── UnsupportedMediaType      -> 415 (a body declared as text/plain or a form type)
    ├── CardsStillStoring         -> 503 + Retry-After (feedback on cards whose commit is late)
    ├── Unauthorized              -> 401 (generic message only; details go to the log)
    └── PreconditionFailed        -> 412 (the data could not be had: what was missing is named)

Nothing a client sends may produce a 500 or a stack trace in a body: the app's last-resort handler
answers 500 with a generic message and logs the exception type only.

Each refusal also carries, for its `request.refused` log line, a `cause` (a fixed tag such as
`invalid-json`, `hook-mismatch`, `missing-context`; the code when no finer tag applies) and the
`fields` at fault as paths into the request (`context.draftOrders`, `feedback.0.card`). EHRs often
keep only the status code, so the request id must lead an engineer to a line that says what was
wrong (review 19 R2 M2). Neither ever holds a value from the request: tags are literals here and
paths are built from the models' own field names and list positions.
"""

from __future__ import annotations

from typing import Any


class CdsError(Exception):
    status_code = 400
    code = "bad-request"

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        cause: str | None = None,
        fields: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        self.cause = cause or self.code
        self.fields = fields

    def headers(self) -> dict[str, str]:
        """Headers the answer carries besides the JSON body (none but for a 503's Retry-After)."""
        return {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(CdsError):
    status_code = 400
    code = "bad-request"


class UnknownCard(BadRequest):
    code = "unknown-card"


class UnknownSuggestion(BadRequest):
    code = "unknown-suggestion"


class FeedbackRefused(BadRequest):
    code = "feedback-refused"


class FeedbackConflict(CdsError):
    status_code = 409
    code = "feedback-conflict"


class UnknownService(CdsError):
    status_code = 404
    code = "unknown-service"


# Its message names the field, not the id the caller sent (review s25 RP L3).
UNKNOWN_SERVICE_MESSAGE = "no CDS service has the id in the URL path (GET /cds-services lists them)"


class PayloadTooLarge(CdsError):
    status_code = 413
    code = "payload-too-large"


class UnsupportedMediaType(CdsError):
    status_code = 415
    code = "unsupported-media-type"


class Unauthorized(CdsError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, log_reason: str) -> None:
        # The client sees a generic message; the reason is for the log only.
        super().__init__("authentication failed")
        self.log_reason = log_reason


class PreconditionFailed(CdsError):
    status_code = 412
    code = "prefetch-unavailable"


class CardsStillStoring(CdsError):
    """Feedback naming cards this service issued whose commit has not ended within `[database]
    issued_wait_seconds` (a locked or stalled database; session 23 L2 item 3): nothing is
    stored, and the client is told when to send it again (RFC 9110 15.6.4: 503 with
    Retry-After), never a 400 it would not resend nor a 500."""

    status_code = 503
    code = "cards-still-storing"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        details: dict[str, Any] | None = None,
        fields: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, details=details, fields=fields)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
