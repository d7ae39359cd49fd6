"""`python -m tap_fortnox` runs the tap's command line."""

from tap_fortnox.tap import TapFortnox

TapFortnox.cli()
