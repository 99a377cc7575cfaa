"""After `finish`, the local secret keeps only what finishing again needs: no record outside the
overlap, no private cell of the rest of our list (audit 14 L8: it kept every cell for good); and
finish says where it is and that it can be deleted. A secret written before keeps working."""

import json

from acctmap_tui.core import ingest, psi
from acctmap_tui.core.model import OURS


def write_list(path, rows):
    path.write_text("name,domain,status,note\n" + "".join(",".join(r) + "\n" for r in rows))
    return ingest.read_list(path, OURS, "")


def exchange(tmp_path):
    secrets = tmp_path / "secrets"
    ours = write_list(tmp_path / "a.csv", [("Acme", "acme.com", "Customer", "ZZPRIV-acme"),
                                           ("Solo", "solo.com", "Prospect", "ZZPRIV-solo")])
    theirs = write_list(tmp_path / "b.csv", [("Acme AG", "acme.com", "Prospect", "YY")])
    f = {n: tmp_path / f"{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    psi.start(ours, f["a1"], company="Northwind", folder=secrets)
    psi.start(theirs, f["b1"], company="Globex", folder=secrets)
    psi.answer(f["a1"], f["b1"], f["a2"], folder=secrets)
    psi.answer(f["b1"], f["a1"], f["b2"], folder=secrets)
    secret = psi.secret_path(psi.read_round(f["a1"], 1).exchange, secrets)
    return f, secrets, secret


def finish(f, secrets):
    return psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)


def test_finish_keeps_only_the_overlap_in_the_secret_and_says_where_it_is(tmp_path):
    f, secrets, secret = exchange(tmp_path)
    assert "ZZPRIV-solo" in secret.read_text()
    done = finish(f, secrets)
    text = secret.read_text()
    assert "ZZPRIV-solo" not in text and "solo.com" not in text
    assert done.secret == secret
    assert any(str(secret) in n and "delete it" in n for n in done.notes)
    again = finish(f, secrets)  # finishing again gives the same overlap
    assert [(a.ours.name, a.ours.extra, a.theirs.status) for a in again.session.accounts] == \
        [(a.ours.name, a.ours.extra, a.theirs.status) for a in done.session.accounts] == \
        [("Acme", {"note": "ZZPRIV-acme"}, "prospect")]


def test_a_secret_written_before_finishes_and_is_then_trimmed(tmp_path):
    f, secrets, secret = exchange(tmp_path)
    doc = json.loads(secret.read_text())
    for key in ("finished_at", "answered", "answered_company", "answered_at"):
        doc.pop(key, None)  # as an older acctmap wrote it
    for record in doc["records"]:
        record.pop("other_domains", None)
    secret.write_text(json.dumps(doc))
    done = finish(f, secrets)
    assert [a.ours.name for a in done.session.accounts] == ["Acme"]
    assert "ZZPRIV-solo" not in secret.read_text()
    assert [a.ours.name for a in finish(f, secrets).session.accounts] == ["Acme"]


def test_cli_finish_says_where_the_secret_is(tmp_path, capsys, monkeypatch):
    from acctmap_tui.cli import main

    f, secrets, secret = exchange(tmp_path)
    monkeypatch.setattr(psi, "secret_dir", lambda: secrets)
    assert main(["psi", "finish", str(f["a1"]), str(f["b1"]), str(f["b2"])]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"our local secret for this exchange, {secret}" in out and "delete it" in out
