"""The calibration's predictive-check figure, read from its pixels: every sourced range is drawn, every row labelled."""

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from vacuum_sim.observed.patterns import load_patterns
from vacuum_sim.views.compare_figures import pattern_check


def shade(canvas, ax, x: float) -> float:
    """The darkest channel of the pixel at data `x`, near the top of `ax` (above the runs' dots): 255 is white."""
    px, py = ax.transData.transform((x, 0))[0], ax.transAxes.transform((0, 0.85))[1]
    image = np.asarray(canvas.buffer_rgba())
    return float(image[image.shape[0] - round(float(py)), round(float(px)), :3].min())


def test_a_single_value_range_is_drawn_as_visibly_as_a_span():
    """The rebels at war on 15 September is the range [1, 1]: a span of width zero showed nothing."""
    patterns = load_patterns()
    at = {name: i for i, name in enumerate(patterns["name"])}
    assert patterns.loc[at["csp_at_war_mid_sep"], ["low", "high"]].tolist() == [1, 1]
    predictive = pd.DataFrame({p.name: [0.0, 0.0] if p.name == "csp_at_war_mid_sep" else [p.low, p.low]
                               for p in patterns.itertuples()})
    fig = pattern_check(patterns, predictive)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    war = fig.axes[at["csp_at_war_mid_sep"]]
    assert shade(canvas, war, 1.0) < 235  # the sourced value is marked
    assert shade(canvas, war, 0.5) == 255  # and nothing else is
    span = fig.axes[at["ops_centre_apr_jul"]]  # a range [16, 24], shaded as before
    assert shade(canvas, span, 20) < 235 and shade(canvas, span, 10) == 255


def test_each_row_is_labelled_in_words_inside_the_figure():
    """Rows carry the pattern's label from patterns_2023.csv (not its code name), and every label fits the figure."""
    patterns = load_patterns()
    fig = pattern_check(patterns, pd.DataFrame({p.name: [p.low] for p in patterns.itertuples()}))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    shown = [ax.get_ylabel().replace("\n", " ") for ax in fig.axes]  # the window on a line of its own
    assert shown == list(patterns["label"])
    width = canvas.get_renderer().width
    assert all(ax.yaxis.label.get_window_extent().x0 >= 0 and ax.yaxis.label.get_window_extent().x1 <= width
               for ax in fig.axes)
