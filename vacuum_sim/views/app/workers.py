"""The app's helper processes: one draws charts, the others run replicates.

They are started fresh (``spawn``), never forked from the threaded web server, and each one ends by
itself as soon as the app's process is gone, however it went (Ctrl-C, a test's SIGTERM, ``kill -9``):
a stopped app leaves nothing behind.  A pool whose process died is started again on next use.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
import time

WATCH_SECONDS = 1.0  # how often a helper checks that the app is still there

_pools: dict[str, cf.ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _end_with_parent() -> None:
    """Helper initializer: exit as soon as the process that started this one has gone (it is then re-parented)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(0)
    threading.Thread(target=watch, name="vacuum-sim watch parent", daemon=True).start()


def pool(name: str) -> cf.ProcessPoolExecutor:
    """``"charts"``: one process, so that charts come back in order; ``"replicates"``: all cores but one,
    which stays with the page."""
    workers = {"charts": 1, "replicates": max(1, (os.cpu_count() or 2) - 1)}[name]
    with _lock:
        if name not in _pools or getattr(_pools[name], "_broken", False):
            _pools[name] = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                                  initializer=_end_with_parent)
        return _pools[name]


def start() -> None:
    """Start the helpers now, in the background: the first chart and the first replicates then wait for no imports."""
    for name in ("charts", "replicates"):
        pool(name).submit(int)
