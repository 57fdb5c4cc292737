"""vacuum-sim: an agent-based model of the security vacuum left by the UN withdrawal from Mali (2023)."""

__version__ = "0.1.0"

from vacuum_sim.runs.results import RunResult, load_run
from vacuum_sim.runs.runner import run

__all__ = ["RunResult", "__version__", "load_run", "run"]
