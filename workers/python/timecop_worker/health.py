"""/healthz (the process answers) and /readyz (connected and polling), like the TS worker's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

Check = Callable[[], Awaitable[str | None]]  # None: ready; otherwise the reason it is not


async def start(host: str, port: int, check: Check) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await asyncio.wait_for(reader.readline(), 5)).decode("latin-1")
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass  # headers: nothing we need
            parts = request_line.split()
            path = parts[1].split("?")[0] if len(parts) > 1 else "/"
            if path == "/healthz":
                status, body = 200, {"status": "ok"}
            elif path == "/readyz":
                reason = await check()
                status, body = (
                    (200, {"status": "ready"})
                    if reason is None
                    else (503, {"status": "not-ready", "reason": reason})
                )
            else:
                status, body = 404, {"error": "not found"}
            data = json.dumps(body).encode()
            reason_phrase = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason_phrase}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(data)}\r\nconnection: close\r\n\r\n".encode()
                + data
            )
            await writer.drain()
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)
