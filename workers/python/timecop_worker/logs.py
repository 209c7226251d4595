"""One JSON object per line on stdout, with the same field names as the TypeScript worker's
pino lines (level, time, msg, service, workflowId, runId, activityType, attempt)."""

from __future__ import annotations

import datetime
import json
import logging
import os
import sys
from typing import Any

# Attributes every LogRecord has; anything else was passed as `extra` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname.lower().replace("warning", "warn"),
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "service": self._service,
            "pid": os.getpid(),
            "logger": record.name,
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "temporal_activity" and isinstance(value, dict):
                # temporalio's activity.logger attaches the activity's info here.
                line["workflowId"] = value.get("workflow_id")
                line["runId"] = value.get("workflow_run_id")
                line["workflowType"] = value.get("workflow_type")
                line["activityId"] = value.get("activity_id")
                line["activityType"] = value.get("activity_type")
                line["attempt"] = value.get("attempt")
                line["taskQueue"] = value.get("task_queue")
            elif key == "temporal_workflow":
                continue
            else:
                line[key] = value
        line["msg"] = record.getMessage()
        if record.exc_info:
            line["err"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def setup(service: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "info").upper())
    # temporalio's activity.logger appends the info dict to the message by default; the
    # formatter puts it into fields instead.
    from temporalio import activity

    activity.logger.activity_info_on_message = False
