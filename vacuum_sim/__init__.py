"""vacuum-sim: an agent-based model of the security vacuum left by the UN withdrawal from Mali (2023)."""

__version__ = "0.1.0"

__all__ = ["RunResult", "__version__", "load_run", "run"]


def __getattr__(name: str):
    """The public API, imported on first use so that `vacuum-sim --help` and Ctrl-C at start-up stay light."""
    if name in ("RunResult", "load_run"):
        from vacuum_sim.runs import results

        return getattr(results, name)
    if name == "run":
        from vacuum_sim.runs.runner import run

        return run
    raise AttributeError(f"module 'vacuum_sim' has no attribute {name!r}")
