"""The Python worker's activities and their registration list (seeds patterns 4 and 5).

Each takes and returns generated protobuf messages (protos/gen/python); temporalio's default
converter reads the TypeScript worker's binary/protobuf payloads and answers in json/protobuf,
which the TypeScript converter reads (docs/contracts.md). Names are the strings TypeScript
workflows call (workers/typescript/src/routing.ts ACTIVITY_TYPES).
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from timecop.activities.v1.create_summary_pb2 import CreateSummaryRequest, CreateSummaryResponse
from timecop.activities.v1.patient_event_pb2 import PatientEvent, PatientEventKind
from timecop.activities.v1.say_hello_pb2 import ActivitySayHelloRequest, ActivitySayHelloResponse

# Failure types no retry can fix; TypeScript lists the same in its retry policies.
INVALID_REQUEST = "InvalidRequest"


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(message, type=INVALID_REQUEST, non_retryable=True)


def create_say_hello(delay_seconds: float = 0) -> Callable[..., Any]:
    """The greeting; `delay_seconds` of simulated work, cancelled with the activity."""

    @activity.defn(name="ActivitySayHelloPython")
    async def say_hello_python(request: ActivitySayHelloRequest) -> ActivitySayHelloResponse:
        if not request.name.strip():
            raise _invalid("name must not be empty")
        activity.logger.info("saying hello", extra={"person": request.name})
        if delay_seconds > 0:
            await asyncio.sleep(delay_seconds)
        return ActivitySayHelloResponse(
            greeting=f"Hello from a Python Worker, {request.name}!", worker_language="python"
        )

    return say_hello_python


_KIND_WORDS = {
    PatientEventKind.PATIENT_EVENT_KIND_ADMISSION: ("admission", "admissions"),
    PatientEventKind.PATIENT_EVENT_KIND_LAB_RESULT: ("lab result", "lab results"),
    PatientEventKind.PATIENT_EVENT_KIND_MEDICATION: ("medication", "medications"),
    PatientEventKind.PATIENT_EVENT_KIND_DISCHARGE: ("discharge", "discharges"),
    PatientEventKind.PATIENT_EVENT_KIND_OTHER: ("other event", "other events"),
}


def summarize(patient_id: str, events: list[PatientEvent]) -> str:
    """The same text as the TypeScript CreateSummary (activities/create-summary.ts)."""
    if not events:
        return ""
    counts: dict[int, int] = {}
    for event in events:
        kind = event.kind if event.kind in _KIND_WORDS else PatientEventKind.PATIENT_EVENT_KIND_OTHER
        counts[kind] = counts.get(kind, 0) + 1
    parts = []
    for kind in sorted(counts):
        singular, plural = _KIND_WORDS[kind]
        n = counts[kind]
        parts.append(f"{n} {singular if n == 1 else plural}")
    days = [
        e.occurred_at.ToDatetime(tzinfo=datetime.timezone.utc).date().isoformat()
        for e in events
        if e.HasField("occurred_at")
    ]
    span = f" between {days[0]} and {days[-1]}" if days else ""
    latest_note = next((e.note for e in reversed(events) if e.note.strip()), "")
    text = (
        f"Patient {patient_id}: {len(events)} event{'' if len(events) == 1 else 's'}{span} "
        f"({', '.join(parts)})."
    )
    return text + (f" Latest note: {latest_note}" if latest_note else "")


@activity.defn(name="CreateSummaryPython")
async def create_summary_python(request: CreateSummaryRequest) -> CreateSummaryResponse:
    if not request.patient_id.strip():
        raise _invalid("patient_id must not be empty")
    events = list(request.events)
    activity.logger.info("summarizing", extra={"patient_id": request.patient_id, "count": len(events)})
    return CreateSummaryResponse(summary=summarize(request.patient_id, events), event_count=len(events))


def create_activities(demo_delay_seconds: float = 0) -> list[Callable[..., Any]]:
    """The registration list (TypeScript: createActivities(deps) in activities/index.ts)."""
    return [create_say_hello(demo_delay_seconds), create_summary_python]
