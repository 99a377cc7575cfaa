"""acctmap: a terminal workbench for partner account-mapping sessions."""

__version__ = "0.1.0"
