"""Executors behind one concurrent.futures interface: serial, a local process pool, Dask.

Dask is the way to a cluster: ``--executor dask --scheduler tcp://host:8786``; without an
address it starts a LocalCluster of process workers on this machine. A scheduler address is
checked for its form before anything starts, and an unreachable one fails within
CONNECT_TIMEOUT_S instead of Dask's default half minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

from ..errors import RunError

CONNECT_TIMEOUT_S = 3
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
                      r"|\[[0-9A-Fa-f:.]+\]):(?P<port>\d{1,5})$")
ADDRESS_HELP = "expected [tcp://]HOST:PORT, e.g. tcp://127.0.0.1:8786"


def address_problem(address: str) -> str | None:
    """Why ``address`` is not a Dask scheduler address, or None when its form is right."""
    m = _ADDRESS.match(address)
    if not m or not 0 < int(m["port"]) < 65536:
        return ADDRESS_HELP
    return None


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process (debugging, tiny sweeps, baselines)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except Exception as e:  # noqa: BLE001 - a future carries whatever the task raised
            # ...but not KeyboardInterrupt or SystemExit: Ctrl-C stops a serial sweep as it stops a pool's.
            f.set_exception(e)
        return f


@contextmanager
def executor(kind: str, workers: int, scheduler: str | None = None) -> Iterator[Executor]:
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "process":
        pool = ProcessPoolExecutor(max_workers=workers)
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    elif kind == "dask":
        from distributed import Client, LocalCluster

        cluster = None
        try:
            if scheduler:
                client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
            else:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
                client = Client(cluster)
        except (OSError, ValueError) as e:
            if cluster is not None:
                cluster.close()
            where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
            raise RunError(f"cannot reach {where}: {e}") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        raise ValueError(f"unknown executor {kind!r}; expected serial, process or dask")
