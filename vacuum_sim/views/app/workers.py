"""The app's helper processes: one draws charts, the others run replicates.

They fork from one clean process that has imported the figure and model code once (``forkserver``),
never from the threaded web server itself.  A pool whose process died is started again on next use.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
from functools import cache

_pools: dict[str, cf.ProcessPoolExecutor] = {}
_lock = threading.Lock()


@cache
def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["vacuum_sim.views.app.charts", "vacuum_sim.views.app.replicates"])
    return context


def pool(name: str) -> cf.ProcessPoolExecutor:
    """``"charts"``: one process, so that charts come back in order; ``"replicates"``: all cores but one,
    which stays with the page."""
    workers = {"charts": 1, "replicates": max(1, (os.cpu_count() or 2) - 1)}[name]
    with _lock:
        if name not in _pools or getattr(_pools[name], "_broken", False):
            _pools[name] = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_context())
        return _pools[name]
