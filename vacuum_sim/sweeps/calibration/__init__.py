"""Calibration of the uncertain parameters (ABC-SMC), the posterior file, and frozen forecasts from it.

``targets`` turns the sourced 2023 patterns and a user's event counts into a distance;
``apmc`` is the ABC-SMC algorithm; ``jobs`` are its simulations as tasks for the sweeps' runners; ``calibrate`` reads a
calibration file and writes its folder; ``posterior`` reads the posterior and draws from
it (for ``sweep --posterior`` and forecasts); ``forecast`` writes a frozen forecast.
"""
