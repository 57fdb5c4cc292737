"""The classroom app: Mali after the UN withdrawal, live in the browser (``vacuum-sim app``).

``page`` is the Solara page; ``session`` holds the run on screen and the play loop; ``map`` and
``charts`` draw the frames with the report's own figure builders; ``replicates`` runs several seeds
in the background; ``export`` saves a run folder with its figures and animation.  Nothing else in the
package imports this one.
"""
