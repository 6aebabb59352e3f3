"""Executors behind one concurrent.futures interface: serial, a local process pool, Dask.

Dask is the way to a cluster: ``--executor dask --scheduler tcp://host:8786``; without an
address it starts a LocalCluster of process workers on this machine. A scheduler address is
checked for its form before anything starts, and an unreachable one fails within
CONNECT_TIMEOUT_S instead of Dask's default half minute.

Processes end together. While an executor is open in the main thread, SIGTERM, SIGHUP and
SIGINT raise ``Interrupted`` (a KeyboardInterrupt that names its signal) in the main process;
leaving the executor by any exception kills the pool's workers at once (their runs are lost
anyway: results are stored by the main process, a whole file at a time) instead of waiting for
the runs they are in. Each pool worker ignores SIGINT (a Ctrl-C reaches the whole process group:
the main process decides), and ends when the main process dies, even by ``kill -9``: on Linux the
kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watchdog thread checks
every ``WATCH_S`` seconds that its parent is still the process that started it.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager, suppress
from typing import Any

from ..engine.longrun import frozen_while
from ..errors import RunError
from . import CONNECT_TIMEOUT_S

WATCH_S = 1.0
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
                      r"|\[[0-9A-Fa-f:.]+\]):(?P<port>\d{1,5})$")
ADDRESS_HELP = "expected [tcp://]HOST:PORT, e.g. tcp://127.0.0.1:8786"
SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Interrupted(KeyboardInterrupt):
    """The main process was asked to stop by a signal; ``exit_code`` is the shell's 128 + signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.exit_code = 128 + signum
        super().__init__(self.name)


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


# -- in each pool worker ---------------------------------------------------------------------

def worker_start(parent: int) -> None:
    """A pool worker's initializer: leave signals to the main process, and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for s in SIGNALS:
        # A forked worker inherits the main process's Python handlers (which would raise here);
        # a signal ignored there (nohup's SIGHUP) stays ignored.
        if s != signal.SIGINT and callable(signal.getsignal(s)):
            signal.signal(s, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc to call: the watchdog alone does it
            pass
    if os.getppid() != parent:  # the main process died before the kernel was told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="ncbsim-parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_S)
        if os.getppid() != parent:  # orphaned: adopted by init or a subreaper
            os._exit(1)


# -- in the main process ---------------------------------------------------------------------

@contextmanager
def interruptible() -> Iterator[None]:
    """While open in the main thread: SIGTERM, SIGHUP and SIGINT raise ``Interrupted`` here.

    The first signal raises; a second one while the executor is being shut down is ignored, so
    the clean-up is not itself cut short (``kill -9`` remains for the impatient). A signal the
    process was started to ignore stays ignored: ``nohup`` keeps a sweep going after a hang-up,
    and a shell's background job is not stopped by the Ctrl-C meant for the foreground.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = [s for s in SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]

    def stop(signum: int, _frame: Any) -> None:
        for s in caught:
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    before = {s: signal.signal(s, stop) for s in caught}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _kill_workers(pool: Any) -> None:
    """End a process pool now: pending runs cancelled, running ones killed, every worker reaped."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with suppress(OSError, ValueError, AttributeError):
            p.kill()
    for p in processes:
        with suppress(OSError, ValueError, AttributeError, AssertionError):
            p.join(timeout=5)


@contextmanager
def executor(kind: str, workers: int, scheduler: str | None = None) -> Iterator[Executor]:
    if kind == "serial":
        with interruptible():
            yield SerialExecutor()
    elif kind == "process":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Forked, on Linux whatever Python's default (forkserver from 3.14): a worker is then the
        # main process's own child, which its death signal and parent watch rely on.
        context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker_start,
                                   initargs=(os.getpid(),))
        # The workers are forked with everything this process holds: frozen, those objects are
        # never scanned by a worker's garbage collector (nor copied by it, page by page).
        with frozen_while(), interruptible():
            try:
                yield pool
                pool.shutdown(wait=True)
            except BaseException:
                _kill_workers(pool)
                raise
    elif kind == "dask":
        with interruptible():
            yield from _dask(workers, scheduler)
    else:
        raise ValueError(f"unknown executor {kind!r}; expected serial, process or dask")


def _dask(workers: int, scheduler: str | None) -> Iterator[Executor]:
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        else:
            # Dask's own nannies end their workers when this process dies (they watch it).
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
