"""Executors behind one concurrent.futures interface: serial, a local process pool, Dask.

Dask is the way to a cluster: ``--executor dask --scheduler tcp://host:8786``; without an
address it starts a LocalCluster of process workers on this machine.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process (debugging, tiny sweeps, baselines)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - a future carries whatever the task raised
            f.set_exception(e)
        return f


@contextmanager
def executor(kind: str, workers: int, scheduler: str | None = None):
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

        cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                      dashboard_address=None, silence_logs=50)
        client = Client(scheduler or cluster)
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        raise ValueError(f"unknown executor {kind!r}; expected serial, process or dask")
