"""Observed conflict events (ACLED and UCDP GED exports) set beside simulated ones, and scored.

``vocabulary`` reads the data files that translate a format's actors, regions and
event types into the model's; ``readers`` reads an export; ``counts`` aggregates
observed and simulated events to admin1 × month × event type (× actor);
``scores`` scores the model against the naive baselines; ``compare`` ties them
together for the ``vacuum-sim compare`` command.  ``patterns`` reads the sourced 2023
patterns and measures each in a run's tables (for calibration and validation).
"""
