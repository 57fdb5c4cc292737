"""Runners: where runs execute — a local pool of worker processes, or a Dask cluster — for sweeps, calibrations,
forecasts and the pattern validation alike.

A sweep streams its outcomes back as they finish, at most a few in flight so that memory
stays flat however many runs there are (:meth:`outcomes`); a calibration maps a batch and
gets the results in submission order (:meth:`map`), so they depend on each task's own
seed, never on which worker finished first or how many there are.  A task is a frozen
dataclass with an ``attempt`` field (raised when its worker dies and it is run again).

Why not ``concurrent.futures.ProcessPoolExecutor``: when one of its workers dies
(the out-of-memory killer, a segfault, a stray ``kill``) every run in flight fails
and the pool is unusable.  :class:`LocalPool` knows which run each worker holds, so
a dead worker is replaced and only its own run is tried again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import itertools
import multiprocessing
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import wait

from vacuum_sim.sweeps.experiment import ExperimentError
from vacuum_sim.sweeps.worker import Outcome, Task, execute, serve

RETRIES = 1  # a run whose worker dies is tried once more; if that worker dies too, the run is recorded as failed


class RunLost(RuntimeError):
    """A run of an ordered batch raised, or its worker died on every attempt: the batch cannot be completed."""


@dataclass(frozen=True)
class Lost:
    """What a task returned instead of its result: it raised, or its worker died on every attempt."""

    reason: str


def _call(fn: Callable, task):
    """``fn(task)`` in a worker, an exception coming back as data (with its traceback) so the worker lives on."""
    try:
        return fn(task)
    except Exception:  # noqa: BLE001 -- the caller decides what a raised task means
        return Lost(traceback.format_exc())


class _Pool:
    """What every pool offers on top of its ``results``: a sweep's stream of outcomes and an ordered map."""

    def outcomes(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Each sweep task's outcome as it finishes (a lost one recorded as failed, and the sweep goes on)."""
        for _, task, result in self.results(execute, tasks):
            yield Outcome(task.run, None, result.reason, 0.0) if isinstance(result, Lost) else result

    def map(self, fn: Callable, tasks: Iterable) -> list:
        """``fn`` of each task, in submission order; a task that raised or was lost stops the batch with its reason."""
        tasks = list(tasks)
        out = [None] * len(tasks)
        for k, _, result in self.results(fn, tasks):
            if isinstance(result, Lost):
                raise RunLost(f"a run (seed {getattr(tasks[k], 'seed', '?')}) failed: {result.reason}")
            out[k] = result
        return out


class LocalPool(_Pool):
    """``workers`` processes on this machine, each running one task at a time over its own pipe."""

    def __init__(self, workers: int):
        # forkserver: workers fork from one clean process that has imported the model once (fast, thread-safe start)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["vacuum_sim.sweeps.worker"])
        _start_forkserver()
        self.slots = workers
        self.retried = 0  # runs tried again because their worker died
        self._alive, self._alive_writer = self.context.Pipe(duplex=False)  # see worker.serve
        self._workers: list = []

    def _start(self):
        mine, theirs = self.context.Pipe()
        proc = self.context.Process(target=serve, args=(theirs, self._alive), daemon=True, name="vacuum-sim worker")
        proc.start()
        theirs.close()  # so that the worker's death reads as end of file here
        self._workers.append(proc)
        return proc, mine

    def results(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[int, object, object]]:
        """(submission index, task, ``fn(task)`` or :class:`Lost`) as each finishes; a task whose worker dies is
        run again on a fresh worker."""
        call = partial(_call, fn)
        tasks, again = enumerate(tasks), deque()
        idle = [self._start() for _ in range(self.slots)]
        busy: dict = {}  # connection -> (process, index, task)
        while True:
            while idle and (item := again.popleft() if again else next(tasks, None)) is not None:
                proc, conn = idle.pop()
                try:
                    conn.send((call, item[1]))
                except OSError:  # this worker died while idle: replace it, the task has not started
                    again.appendleft(item)
                    idle.append(self._replace(proc, conn))
                    continue
                busy[conn] = proc, *item
            if not busy:
                return
            ready = set(wait([*busy, *(proc.sentinel for proc, *_ in busy.values())]))
            for conn in [c for c, (p, *_) in busy.items() if c in ready or p.sentinel in ready]:
                proc, k, task = busy.pop(conn)
                received, result = _receive(conn)
                if received:
                    idle.append((proc, conn))
                    yield k, task, result
                    continue
                idle.append(self._replace(proc, conn))
                if task.attempt < RETRIES:
                    self.retried += 1
                    again.append((k, replace(task, attempt=task.attempt + 1)))
                else:
                    yield k, task, Lost(f"the worker process running it died ({_death(proc)}) on each of "
                                        f"{RETRIES + 1} attempts")

    def _replace(self, proc, conn):
        conn.close()
        proc.join()
        self._workers.remove(proc)
        return self._start()

    def close(self) -> None:
        """Stop every worker; a run cut short this way was never recorded, so it stays pending."""
        for proc in self._workers:
            if proc.is_alive():
                proc.terminate()
        for proc in self._workers:
            proc.join()
        self._alive_writer.close()
        self._alive.close()


def _start_forkserver() -> None:
    """Start the forkserver with Ctrl-C ignored (kept across its exec), so that an early Ctrl-C cannot break into
    its imports with a traceback: the parent alone answers Ctrl-C, and stops the workers."""
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set signal handlers
        forkserver.ensure_running()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _receive(conn) -> tuple[bool, object]:
    """(True, the worker's result), or (False, None) if the worker died before sending it."""
    try:
        return (True, conn.recv()) if conn.poll() else (False, None)
    except (EOFError, OSError):
        return False, None


def _death(proc) -> str:
    code = proc.exitcode
    return f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"


class DaskPool(_Pool):
    """The same tasks on a Dask cluster; Dask itself reruns the tasks of a worker it loses."""

    def __init__(self, client):
        self.client = client
        self.slots = sum(client.nthreads().values())
        self.retried = 0  # Dask does not say; its scheduler log does

    def results(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[int, object, object]]:
        """As :meth:`LocalPool.results`, at most twice as many tasks in flight as the cluster has threads."""
        from distributed import KilledWorker

        call = partial(_call, fn)
        tasks, pool = enumerate(tasks), self.client.get_executor(pure=False)
        running = {pool.submit(call, t): (k, t) for k, t in itertools.islice(tasks, 2 * self.slots)}
        try:
            while running:
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    k, task = running.pop(future)
                    try:
                        yield k, task, future.result()
                    except KilledWorker as e:
                        yield k, task, Lost(f"Dask lost the workers running it: {e}")
                running |= {pool.submit(call, t): (k, t) for k, t in itertools.islice(tasks, len(done))}
        finally:
            pool.shutdown(wait=False)  # cancels what is still running when the caller stops early


def probe(scheduler: str, timeout: float) -> None:
    """Check that a Dask scheduler answers at ``scheduler`` within ``timeout`` seconds; raise a one-line error if not."""
    from distributed.comm import connect
    from distributed.security import Security

    async def knock():
        comm = await connect(scheduler, timeout=timeout, **Security().get_connection_args("client"))
        await comm.close()

    try:
        asyncio.run(knock())
    except (OSError, ValueError, TypeError) as e:
        reason = "nothing answered" if isinstance(e, OSError) else str(e).splitlines()[0]
        raise ExperimentError("--scheduler", scheduler, f"no Dask scheduler reachable ({reason} within "
                              f"{timeout:g} s; --scheduler-timeout sets the wait); start one with 'dask scheduler', "
                              "or leave out --scheduler to use local worker processes") from None


@contextmanager
def pool(workers: int, scheduler: str | None, timeout: float):
    """A :class:`LocalPool` of ``workers`` processes, or a :class:`DaskPool` on the scheduler at ``scheduler``."""
    if scheduler:
        from distributed import Client

        with Client(scheduler, set_as_default=False, timeout=f"{timeout}s") as client:
            yield DaskPool(client)
        return
    local = LocalPool(workers)
    try:
        yield local
    finally:
        local.close()
