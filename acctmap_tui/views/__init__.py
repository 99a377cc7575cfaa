"""View models of the screens: what a screen shows and in which order, as plain Python.

No Textual here (import-linter keeps it so): each view is unit-tested without a terminal, and its
screen only turns it into widgets.
"""
