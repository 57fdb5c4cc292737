"""The store: a sweep folder, the only record of a sweep — what it runs, which runs finished, and their results.

::

    manifest.json              the experiment, package version and the state of every run, with each
                               finished run's file checksum (sha256)
    experiment.toml            the experiment file as written
    design.parquet             one row per design point
    runs/run-000042.parquet    one finished run in tidy long form (run, point, factors, seed, day, date, metric, value)
    failed/run-000042.json     one run that raised, with its traceback
    summary.parquet            one row per run: state and each metric on the last day (written at the end)
    .lock                      held (flock) by the sweep writing to the folder, with its process id

Each file is written under a hidden temporary name and renamed when whole; the
manifest, rewritten at most about once a second and at the end, lists a run as
finished only with the checksum of its file.  A file the manifest does not vouch for
is never used: ``--resume`` runs it again, analysis refuses it.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from vacuum_sim import __version__
from vacuum_sim.runs.runner import git_commit
from vacuum_sim.sweeps.experiment import Experiment, ExperimentError
from vacuum_sim.sweeps.worker import Outcome

FLUSH_SECONDS = 1.0  # the most finished work a kill can lose from the record (it is run again on --resume)


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


class Store:
    """A sweep folder: read by analysis, and held by one sweep at a time while it runs (:meth:`claim`)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs, self.failed = self.root / "runs", self.root / "failed"
        self.manifest = self.root / "manifest.json"
        self.entries: dict[int, dict] = {}  # finished runs: state, sha256 (and error)
        self.corrupt: list[int] = []  # runs found with a bad or missing file on resume, to run again
        self.unrecorded = 0  # files found on resume that finished after the manifest's last update
        self._flushed = 0.0
        self._created = self._commit = None  # read or made once, at the first manifest write

    def part(self, run: int) -> Path:
        return self.runs / f"run-{run:06d}.parquet"

    def failure(self, run: int) -> Path:
        return self.failed / f"run-{run:06d}.json"

    def file(self, run: int, state: str) -> Path:
        return self.part(run) if state == "done" else self.failure(run)

    # ------------------------------------------------------------------ reading
    def read_manifest(self) -> dict:
        if not self.manifest.is_file():
            raise ExperimentError(str(self.root), "(folder)", "not a sweep folder (no manifest.json)")
        try:
            return json.loads(self.manifest.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ExperimentError(str(self.manifest), "(syntax)", f"unreadable manifest: {e}") from None

    def verified_parts(self, info: dict) -> list[Path]:
        """The part file of every finished run, each checked against its checksum in the manifest."""
        parts = []
        for entry in info["runs"]:
            if entry["state"] == "done":
                path = self.part(entry["run"])
                if not path.is_file() or sha256(path) != entry.get("sha256"):
                    raise ExperimentError(str(path), "sha256", "missing, corrupted or truncated (it does not match "
                                          "its checksum in manifest.json), so it is not used; run it again with "
                                          f"'vacuum-sim sweep {info['source']} --out {self.root} --resume'")
                parts.append(path)
        return parts

    # ------------------------------------------------------------------ writing
    @contextmanager
    def claim(self, exp: Experiment, resume: bool):
        """Hold the folder for one sweep: checked, locked, then created (new) or verified (resumed).

        On exit the manifest records every finished run and the lock is released.
        Raises before anything is written if the folder cannot take this sweep.
        """
        _check_out(self.root)
        if self.manifest.is_file():
            if not resume:
                raise ExperimentError("--out", str(self.root), "holds a sweep; finish it with --resume or choose "
                                      "another --out")
            if self.read_manifest().get("fingerprint") != exp.fingerprint:
                raise ExperimentError(str(self.manifest), "fingerprint", "this folder holds a different experiment "
                                      "(or one run by another package version); choose another --out")
            lock = _lock(self.root)
            try:
                self._verify()
            except BaseException:
                os.close(lock)
                raise
        else:
            if self.root.exists() and any(self.root.iterdir()):
                raise ExperimentError("--out", str(self.root), "exists and is not a sweep folder; choose another --out")
            lock = self._create(exp)
        try:
            yield self
        finally:
            self.write_manifest(exp)
            os.close(lock)

    def _create(self, exp: Experiment) -> int:
        """Lay out a new sweep folder beside its place and rename it there, locked, so it is whole or absent."""
        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            tmp = Store(tempfile.mkdtemp(prefix=f".{self.root.name}.", suffix=".partial", dir=self.root.parent))
        except OSError as e:
            raise ExperimentError("--out", str(self.root), f"cannot create the sweep folder: {e.strerror}") from None
        lock = None
        try:
            lock = _lock(tmp.root)
            tmp.runs.mkdir()
            tmp.failed.mkdir()
            _write(tmp.root / "experiment.toml", exp.text.encode())
            _write(tmp.root / "design.parquet", parquet_bytes(exp.points.reset_index()))
            tmp.write_manifest(exp)
            os.replace(tmp.root, self.root)  # also replaces an empty folder; fails on one another sweep just made
        except BaseException as e:
            if lock is not None:
                os.close(lock)
            shutil.rmtree(tmp.root, ignore_errors=True)
            if isinstance(e, OSError):
                raise ExperimentError("--out", str(self.root), f"cannot create the sweep folder: {e.strerror}") from None
            raise
        return lock

    def _verify(self) -> None:
        """Keep the finished runs whose file matches its checksum; remove every other file, so it runs again."""
        for entry in self.read_manifest()["runs"]:
            state = entry["state"]
            if state in ("done", "failed"):
                path = self.file(entry["run"], state)
                if path.is_file() and sha256(path) == entry.get("sha256"):
                    self.entries[entry["run"]] = {k: entry[k] for k in ("state", "sha256", "error") if k in entry}
                else:
                    self.corrupt.append(entry["run"])
        vouched = {self.file(run, entry["state"]) for run, entry in self.entries.items()}
        self.runs.mkdir(exist_ok=True)
        self.failed.mkdir(exist_ok=True)
        for path in itertools.chain(self.runs.iterdir(), self.failed.iterdir()):
            if path not in vouched:  # finished after the last manifest update, corrupt, or a write cut short
                run = path.name.removeprefix("run-").split(".")[0]
                self.unrecorded += run.isdigit() and int(run) not in self.corrupt
                path.unlink()

    def record(self, exp: Experiment, outcome: Outcome) -> None:
        """Write one finished run's file, then (at most about once a second) the manifest that vouches for it."""
        if outcome.error is None:
            entry, path, data = {"state": "done"}, self.part(outcome.run), outcome.parquet
        else:
            entry, path = {"state": "failed", "error": outcome.error.strip().splitlines()[-1]}, self.failure(outcome.run)
            data = json.dumps({"run": outcome.run, "error": outcome.error}).encode()
        _write(path, data)
        self.entries[outcome.run] = {**entry, "sha256": hashlib.sha256(data).hexdigest()}
        if time.monotonic() >= self._flushed + FLUSH_SECONDS:
            self.write_manifest(exp)

    def write_manifest(self, exp: Experiment) -> dict:
        """The experiment, package version and state of every run."""
        if self._created is None:
            old = json.loads(self.manifest.read_text(encoding="utf-8")) if self.manifest.is_file() else {}
            self._created, self._commit = old.get("created", datetime.now(UTC).isoformat(timespec="seconds")), git_commit()
        runs = [{"run": run, "point": point, "seed": seed, **self.entries.get(run, {"state": "pending"})}
                for run, point, seed in exp.runs()]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        counts = {s: sum(r["state"] == s for r in runs) for s in ("done", "failed", "pending")}
        manifest = {
            "experiment": exp.name, "description": exp.description, "source": exp.source,
            "version": __version__, "git_commit": self._commit, "fingerprint": exp.fingerprint,
            "created": self._created, "updated": now,
            "scenario": exp.scenario.name, "start_date": exp.scenario.start_date.isoformat(), "days": exp.scenario.days,
            "design": exp.design, "factors": [f.spec() for f in exp.factors], "seeds": list(exp.seeds),
            "metrics": list(exp.metrics), "every": exp.every, "kept_days": list(exp.kept_days),
            "counts": counts, "runs": runs,
        }
        _write(self.manifest, json.dumps(manifest, indent=1).encode())
        self._flushed = time.monotonic()
        return manifest

    def write_summary(self, exp: Experiment, info: dict) -> None:
        """One row per run of the manifest ``info``: its state, error and every kept metric on the last day."""
        runs = pd.DataFrame(info["runs"]).drop(columns="sha256", errors="ignore").join(exp.points, on="point")
        if "error" not in runs:
            runs["error"] = None
        parts = self.verified_parts(info)
        if parts:
            last = ds.dataset(parts, format="parquet").to_table(
                columns=["run", "metric", "value"], filter=ds.field("day") == exp.scenario.days).to_pandas()
            runs = runs.join(last.pivot(index="run", columns="metric", values="value")[list(exp.metrics)], on="run")
        _write(self.root / "summary.parquet", parquet_bytes(runs))


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: a hidden temporary file, then an atomic rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _check_out(root: Path) -> None:
    """Refuse an ``--out`` that is a file, lies under a file, or cannot be written, before anything runs."""
    existing = next(p for p in (root, *root.parents) if p.exists())
    if not existing.is_dir():
        where = "is a file" if existing == root else f"is under a file ({existing})"
        raise ExperimentError("--out", str(root), f"{where}; give a folder for the sweep")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ExperimentError("--out", str(root), f"cannot write there (no write permission on {existing})")


def _lock(folder: Path) -> int:
    """Take the folder's lock, or raise if another sweep holds it; the kernel releases it when this process ends."""
    try:
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise ExperimentError("--out", str(folder), f"cannot write there: {e.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise ExperimentError("--out", str(folder), f"another sweep (process {holder}) is running in this folder; "
                              "wait for it to end") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd
