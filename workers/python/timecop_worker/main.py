"""Entry point: `python -m timecop_worker` (devenv runs it from the venv built from
requirements.lock). Environment: see config.py.

SIGTERM/SIGINT: stop polling, let in-flight activities finish for up to SHUTDOWN_GRACE_MS, then
cancel them (Temporal retries a cancelled attempt on the next worker); exit 0 after a clean drain.
Before Temporal answers, the same signals end the start at once (exit 0).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import timedelta

from timecop_worker import config as config_module
from timecop_worker import health, logs, metrics, protos

log = logging.getLogger("timecop_worker")


async def _connect(cfg: config_module.Config, runtime):  # type: ignore[no-untyped-def]
    from temporalio.client import Client

    delay = 0.25
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        try:
            return await Client.connect(cfg.address, namespace=cfg.namespace, runtime=runtime)
        except Exception as error:  # noqa: BLE001 - any failure to connect is retried
            if loop.time() + delay > deadline:
                raise
            log.warning("could not connect to Temporal; retrying", extra={"err": str(error), "retryInMs": int(delay * 1000)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5)


async def main(cfg: config_module.Config) -> int:
    from temporalio.worker import Worker

    from timecop_worker.activities import create_activities
    from timecop_worker.interceptors import MetricsInterceptor

    worker: Worker | None = None
    client = None

    stop = asyncio.Event()

    async def readiness() -> str | None:
        if stop.is_set():
            # The SDK's is_running stays true until the drain is over.
            return "draining"
        if worker is None or client is None:
            return "starting"
        if not worker.is_running or worker.is_shutdown:
            return "worker not polling"
        try:
            await client.service_client.check_health(timeout=timedelta(seconds=1))
        except Exception as error:  # noqa: BLE001
            return f"Temporal unreachable: {error}"
        return None

    server = await health.start(cfg.bind_host, cfg.health_port, readiness)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    stopping = asyncio.create_task(stop.wait())
    try:
        # A stop while Temporal is not answering yet ends the start at once: nothing runs.
        connecting = asyncio.create_task(
            _connect(cfg, metrics.runtime(f"{cfg.bind_host}:{cfg.metrics_port}"))
        )
        await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not connecting.done():
            connecting.cancel()
            log.info("stopped before the worker started polling")
            return 0
        client = connecting.result()
        worker = Worker(
            client,
            task_queue=cfg.task_queue,
            activities=create_activities(cfg.demo_delay_seconds),
            interceptors=[MetricsInterceptor()],
            graceful_shutdown_timeout=timedelta(seconds=cfg.shutdown_grace_seconds),
        )
        running = asyncio.create_task(worker.run())
        log.info(
            "worker polling",
            extra={
                "taskQueue": cfg.task_queue,
                "namespace": cfg.namespace,
                "metrics": f"http://{cfg.bind_host}:{cfg.metrics_port}/metrics",
                "health": f"http://{cfg.bind_host}:{cfg.health_port}/readyz",
            },
        )
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("shutting down: draining in-flight activities", extra={"graceSeconds": cfg.shutdown_grace_seconds})
            await worker.shutdown()
        await running  # raises if the worker failed
        log.info("worker drained and stopped")
        return 0
    finally:
        stopping.cancel()
        server.close()
        await server.wait_closed()


def run() -> None:
    cfg = config_module.from_env()
    logs.setup("worker-python")
    protos.load(cfg.proto_gen_dir)
    try:
        code = asyncio.run(main(cfg))
    except Exception:  # noqa: BLE001 - the one top-level catch: log and exit non-zero
        log.exception("worker failed")
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # temporalio's native runtime can crash during interpreter teardown (sdk-python#300, rc
    # 134/139 after all output): everything is closed and flushed here, so skip the teardown.
    os._exit(code)
