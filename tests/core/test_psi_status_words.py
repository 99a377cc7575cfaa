"""`psi start` names the status words acctmap does not know and how to map them before the
round-1 file goes out: after the exchange a mapping changes our side only (audit 14 M5)."""


def test_cli_start_says_which_status_words_go_as_unknown_and_how_to_map_them(tmp_path, capsys):
    from acctmap_tui.cli import main

    lst = tmp_path / "a.csv"
    lst.write_text("name,domain,status\nAcme,acme.com,Weirdword\nBeta,beta.com,Customer\n")
    assert main(["psi", "start", str(lst), "-o", str(tmp_path / "a1.psi")]) == 0
    out = capsys.readouterr().out
    assert "Status words acctmap does not know: 'Weirdword'" in out
    assert "map them with --status 'WORD=STATUS'" in out
    assert "m on the ICP screen" not in out  # after the exchange a mapping is ours only
