"""/healthz (the process answers) and /readyz (connected and polling), like the TS worker's.

Whatever arrives on the port (an over-long request line, too many headers, binary garbage, a
client that never finishes) gets an HTTP error or a closed connection, never an exception that
leaves the server: the worker's readiness must not depend on what else talks to its port.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

Check = Callable[[], Awaitable[str | None]]  # None: ready; otherwise the reason it is not

# A request line or header longer than this is refused (431); Node's limit for all headers is 16 KiB.
MAX_LINE_BYTES = 8 * 1024
MAX_HEADERS = 100
# devenv's own probes send this header (devenv/shared/probe-request.ts, docs/contracts.md).
PROBE_HEADER = "x-devenv-probe"
# The whole request (line and headers) must arrive within this; a slow client is cut off (408).
REQUEST_TIMEOUT_S = 5.0

_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    431: "Request Header Fields Too Large",
    503: "Service Unavailable",
}

log = logging.getLogger(__name__)


class _Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError as overrun:
        raise _Refused(431, f"a line is longer than {MAX_LINE_BYTES} bytes") from overrun
    except asyncio.IncompleteReadError as incomplete:
        if len(incomplete.partial) > MAX_LINE_BYTES:
            raise _Refused(431, f"a line is longer than {MAX_LINE_BYTES} bytes") from incomplete
        return incomplete.partial


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, bool]:
    """The method and path of one request, and whether it is devenv's probe (PROBE_HEADER)."""
    request_line = (await _read_line(reader)).decode("latin-1").strip()
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/") or not parts[0].isalpha():
        raise _Refused(400, "not an HTTP request")
    probe = False
    for _ in range(MAX_HEADERS + 1):
        line = await _read_line(reader)
        if line in (b"\r\n", b"\n", b""):
            return parts[0], parts[1].split("?")[0], probe
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == PROBE_HEADER and value.strip() != "":
            probe = True
    raise _Refused(431, f"more than {MAX_HEADERS} header lines")


class _FailedProbeLog:
    """devenv's probes are not logged while they pass; one that fails is a warning, once per run
    of the same answer (devenv probes a starting worker every 50 ms and more)."""

    def __init__(self) -> None:
        self._last: str | None = None

    def note(self, path: str, status: int, body: dict[str, str]) -> None:
        if status < 400:
            self._last = None
            return
        failure = f"{path} {status} {json.dumps(body, sort_keys=True)}"
        if failure == self._last:
            return
        self._last = failure
        log.warning(
            "devenv's probe of %s answered %d", path, status,
            extra={"path": path, "status": status, "answer": body},
        )


async def start(host: str, port: int, check: Check) -> asyncio.Server:
    async def answer(method: str, path: str) -> tuple[int, dict[str, str]]:
        if method not in ("GET", "HEAD"):
            return 405, {"error": "GET only"}
        if path == "/healthz":
            return 200, {"status": "ok"}
        if path == "/readyz":
            reason = await check()
            return (200, {"status": "ready"}) if reason is None else (
                503,
                {"status": "not-ready", "reason": reason},
            )
        return 404, {"error": "not found"}

    failed_probes = _FailedProbeLog()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                method, path, probe = await asyncio.wait_for(
                    _read_request(reader), REQUEST_TIMEOUT_S
                )
                status, body = await answer(method, path)
                if probe:
                    failed_probes.note(path, status, body)
            except _Refused as refused:
                status, body = refused.status, {"error": refused.error}
            except asyncio.TimeoutError:
                status, body = 408, {"error": "the request did not arrive in time"}
            data = json.dumps(body).encode()
            writer.write(
                f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(data)}\r\nconnection: close\r\n\r\n".encode()
                + data
            )
            await writer.drain()
        except ConnectionError:
            pass
        except Exception:  # noqa: BLE001 - one bad connection must not take the server down
            log.exception("health server: unexpected error on one connection")
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port, limit=MAX_LINE_BYTES)
