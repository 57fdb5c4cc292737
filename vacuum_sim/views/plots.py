"""Transitional: the old figure module's names, now defined in style, maps, run_figures and sweep_figures.

Kept only while the app and the sweeps' own figure call switch to those modules; import from them.
"""

from vacuum_sim.views.basemap import town_sizes
from vacuum_sim.views.maps import control_map
from vacuum_sim.views.style import COLOURS, LABELS, add_footer
from vacuum_sim.views.sweep_figures import outcome_bands, phase_diagram, sobol_bars

__all__ = ["COLOURS", "LABELS", "add_footer", "control_map", "outcome_bands", "phase_diagram", "sobol_bars",
           "town_sizes"]
