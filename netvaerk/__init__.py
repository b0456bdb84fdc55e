"""The composition root: installs every feature and platform for each entry point (run, tick,
import, erase, report, audit, the playground and the tests).
"""
