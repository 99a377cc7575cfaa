from acctmap_tui.cli import run

run()
