"""Serve `netvaerk run`'s ASGI service (netvaerk/server.py) on a free loopback port, in a thread,
with the same uvicorn settings as production, and stop it cleanly."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from netvaerk.server import Service


@contextmanager
def served(service: Service) -> Iterator[str]:
    """Yields the base URL (`http://127.0.0.1:PORT`) while the service runs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        service.asgi, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        await service.prepare()
        await server.serve(sockets=[sock])

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True, name="uvicorn")
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the service did not start")
        threading.Event().wait(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
