"""One way to start a session: SessionRequest -> Workbench, for every driver."""

from pathlib import Path

import pytest

from acctmap_tui.core import bulk, ingest, privacy, start
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import OURS, PARTNER, AcctmapError
from acctmap_tui.core.start import (
    SessionRequest,
    build_session,
    demo_request,
    open_saved,
    open_workbench,
    parse_columns,
    parse_status_map,
    prepare,
)

OURS_CSV, THEIRS_CSV = ingest.demo_paths()


def _saved_demo(tmp_path: Path) -> Path:
    wb = open_workbench(demo_request())
    return wb.save(tmp_path / "demo.toml")


def test_reopened_demo_lists_each_record_once(tmp_path):
    """After `acctmap open`, the pairs' records and the re-read list's are one record per key."""
    fresh = open_workbench(demo_request())
    reopened = open_saved(_saved_demo(tmp_path))
    assert reopened.ours is not None and reopened.theirs is not None  # the lists were re-read
    for side in (OURS, PARTNER):
        size = reopened.session.source(side).accounts
        assert len(reopened.records(side)) == size == len(fresh.records(side))
    assert len(reopened.records(OURS)) == 296
    # the status-map dialog's word counts
    assert reopened.unknown_status_words() == fresh.unknown_status_words()


def test_mapping_a_word_after_reopening_maps_every_copy_of_the_records(tmp_path):
    reopened = open_saved(_saved_demo(tmp_path))
    side, word, count = reopened.unknown_status_words()[0]
    change = reopened.map_status(side, word, "prospect")
    assert f"({count} accounts)" in change.description
    holders = [a.ours if side == OURS else a.theirs for a in reopened.session.accounts]
    lst = reopened.ours if side == OURS else reopened.theirs
    for rec in [*holders, *lst.records]:
        if rec.raw_status.strip() == word:
            assert rec.status == "prospect"
    reopened.undo()
    assert all(rec.status is None for rec in [*holders, *lst.records]
               if rec.raw_status.strip() == word)


def test_a_session_opened_lists_later_gets_the_same_lists_once_they_are_read(tmp_path):
    """The app shows a saved session before its lists are read: the workbench says the lists
    are pending, and attaching what `lists_reader` read gives the workbench a plain open gives."""
    from acctmap_tui.core.workbench import ChangeKind

    path = _saved_demo(tmp_path)
    now = open_saved(path)
    later = open_saved(path, lists_later=True)
    assert later.session == now.session
    assert later.lists_pending and later.ours is None and later.theirs is None
    assert len(later.records(OURS)) < len(now.records(OURS))  # the pairs' records only, so far
    changes = []
    later.on_change = changes.append
    later.attach_lists(*start.lists_reader(later.session)())
    assert [c.kind for c in changes] == [ChangeKind.LISTS]
    assert not later.lists_pending and not later.dirty and later.lists_note == ""
    assert _lists(later) == _lists(now)
    assert later.unknown_status_words() == now.unknown_status_words()


def test_a_status_word_mapped_while_the_lists_are_read_maps_them_too(tmp_path):
    later = open_saved(_saved_demo(tmp_path), lists_later=True)
    reader = start.lists_reader(later.session)  # made when the app starts reading
    side, word, _ = later.unknown_status_words()[0]
    later.map_status(side, f"  {word.upper()} ", "prospect")  # told apart as map_status does
    later.attach_lists(*reader())
    lst = later.ours if side == OURS else later.theirs
    mapped = [rec for rec in lst.records if rec.raw_status.strip() == word]
    assert mapped and all(rec.status == "prospect" for rec in mapped)
    assert all(w != word for _, w, _ in later.unknown_status_words())
    later.undo()  # the list attached after the mapping goes back too
    assert all(rec.status is None for rec in mapped)
    assert later.unknown_status_words() == open_saved(_saved_demo(tmp_path)).unknown_status_words()


def test_lists_of_another_version_are_not_attached_and_a_missing_list_is_named(tmp_path):
    path = _saved_demo(tmp_path)
    later = open_saved(path, lists_later=True)
    found = start.lists_reader(later.session)()
    later.session.source(OURS).sha256 = "0" * 64  # as a recovery copy made from another file
    later.attach_lists(*found)
    assert later.ours is None and later.theirs is not None
    session = session_io.load(path)
    session.sources[1].path = str(tmp_path / "moved.csv")
    session_io.save(session, path)
    gone = open_saved(path, lists_later=True)
    gone.attach_lists(*start.lists_reader(gone.session)())
    assert gone.theirs is None and "moved.csv: not found" in gone.lists_note


def test_a_session_without_lists_to_read_has_none_pending(tmp_path):
    path = _saved_demo(tmp_path)
    session = session_io.load(path)
    for src in session.sources:
        src.path = ""
    session_io.save(session, path)
    assert not open_saved(path, lists_later=True).lists_pending


def test_big_lists_read_after_the_session_are_read_beside_with_the_same_result(tmp_path, monkeypatch):
    path = _saved_demo(tmp_path)
    alone = open_saved(path, lists_later=True)
    alone.attach_lists(*start.reload_sources(alone.session))
    monkeypatch.setattr(start, "PARALLEL_BYTES", -1)
    monkeypatch.setattr(bulk, "spare_core", lambda: True)
    calls = []
    monkeypatch.setattr(bulk, "beside", lambda *a: calls.append(a) or _BESIDE(*a))
    beside = open_saved(path, lists_later=True)
    beside.attach_lists(*start.lists_reader(beside.session)())
    assert len(calls) == 1 and not calls[0][2].accounts  # the second process gets no accounts
    assert _lists(beside) == _lists(alone) and None not in _lists(beside)


def test_request_reads_paths_with_column_overrides_and_names(tmp_path):
    ours = tmp_path / "ours.csv"
    ours.write_text("Firm,Web,Stage\nAcme Inc,acme.com,Customer\nBlue Harbor,blueharbor.io,Partner\n")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("Company,Site,Phase\nACME Corp,acme.com,customer\n"
                      "Blue Harbour,blueharbor.io,customer\n")
    stages = []
    wb = open_workbench(SessionRequest(
        ours, theirs, ours_name="Northwind", partner_name="Globex",
        ours_columns=parse_columns("name=Firm,domain=Web,status=Stage", "ours"),
        partner_columns=parse_columns("name=Company,domain=Site,status=Phase", "partner"),
        status_map={"Partner": "prospect"},
    ), progress=lambda f, stage: stages.append((f, stage)))
    assert (wb.session.ours, wb.session.partner) == ("Northwind", "Globex")
    assert {a.key for a in wb.session.overlap()} == {"acme.com", "blueharbor.io"}
    assert wb.dirty and wb.path is None
    assert stages[0] == (0.0, "Reading our list…") and stages[-1] == (1.0, "Done")
    fractions = [f for f, _ in stages]
    assert fractions == sorted(fractions)


def test_a_hashed_partner_list_opens_with_the_key(tmp_path):
    key_file = tmp_path / "key.txt"
    key_file.write_text(privacy.keygen())
    hashed = tmp_path / "globex.hashed.csv"
    privacy.write_hashed(ingest.read_list(str(THEIRS_CSV), PARTNER, "Globex"), hashed,
                         privacy.read_key(key_file))
    plain = build_session(demo_request())
    wb = open_workbench(SessionRequest(OURS_CSV, hashed, ours_name="Northwind",
                                       partner_name="Globex", key=key_file))
    domain_overlap = {a.key for a in plain.session.overlap() if a.match.method == "domain"}
    assert {a.key for a in wb.session.overlap()} == domain_overlap
    assert all(a.theirs.hashed and a.ours.name for a in wb.session.overlap())
    with pytest.raises(AcctmapError, match="hashed list"):
        open_workbench(SessionRequest(OURS_CSV, hashed))


@pytest.mark.parametrize("field,bad", [("key", "nokey.txt"), ("prior", "nowhere.toml"),
                                       ("theirs", "nowhere.csv")])
def test_an_unreadable_input_is_one_error_naming_the_file(tmp_path, field, bad):
    request = SessionRequest(OURS_CSV, THEIRS_CSV)
    setattr(request, field, tmp_path / bad)
    with pytest.raises(AcctmapError, match=bad.replace(".", r"\.")):
        prepare(request)


def test_prepare_reads_everything_once_and_keeps_what_was_read(tmp_path):
    prior = _saved_demo(tmp_path)
    ready = prepare(SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior))
    assert ready.prior.partner == "Globex" and ready.ours.side == OURS
    again = prepare(ready)
    assert again.ours is ready.ours and again.prior is ready.prior


@pytest.mark.parametrize("beside", [False, True])
def test_prepare_does_its_meanwhile_once_after_our_list_is_read(monkeypatch, beside):
    """`meanwhile` (the matcher's import, for build_session) runs in this process once our list
    is read, whether the partner's list is read beside it or after it."""
    if beside:
        monkeypatch.setattr(start, "PARALLEL_BYTES", -1)
        monkeypatch.setattr(bulk, "spare_core", lambda: True)
    read, done = [], []
    real_read = start._read_list

    def reading(item, side, *rest):
        read.append(side)
        return real_read(item, side, *rest)

    monkeypatch.setattr(start, "_read_list", reading)
    ready = prepare(SessionRequest(OURS_CSV, THEIRS_CSV), meanwhile=lambda: done.append(list(read)))
    assert done == [[OURS]]  # once, after ours (theirs read in the copy, or after it)
    assert [r.key for r in ready.theirs.records] == [r.key for r in ingest.read_list(str(THEIRS_CSV), PARTNER).records]


def test_prior_session_carries_forward(tmp_path):
    wb = open_workbench(demo_request())
    account = wb.session.overlap()[0]
    wb.set_field(account, "owner", "Dana Reyes")
    prior = wb.save(tmp_path / "q3.toml")
    again = open_workbench(SessionRequest(OURS_CSV, THEIRS_CSV, ours_name="Northwind",
                                          partner_name="Globex", prior=prior))
    carried = next(a for a in again.session.overlap() if a.key == account.key)
    assert carried.owner == "Dana Reyes" and carried.carried


def _initech_prior(tmp_path: Path) -> tuple[Path, str]:
    """The demo session as Northwind x Initech, with a pair rejected: (its file, that pair's key)."""
    wb = open_workbench(demo_request())
    rejected = wb.session.overlap()[0]
    wb.reject(rejected)
    wb.session.partner = "Initech"
    return wb.save(tmp_path / "2026-Q3-initech.toml"), rejected.key


def test_a_prior_of_another_partnership_is_refused_naming_both(tmp_path):
    """`--from` a session of another partner put its rejection on this partner's records and
    renamed the session after it; `acctmap diff` refuses such a pair, and so does a start."""
    from acctmap_tui.core.compare import PartnerMismatch

    prior, _ = _initech_prior(tmp_path)
    with pytest.raises(PartnerMismatch) as refused:
        prepare(SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior))
    message = str(refused.value)
    assert str(prior) in message and "another partnership" in message
    assert "Northwind x Initech" in message and "Northwind x Globex" in message
    assert f"from the file name {THEIRS_CSV.name}" in message  # the name was only a guess
    assert '--partner "Initech"' in message and "--force" in message
    with pytest.raises(PartnerMismatch, match="'Acme' is not 'Initech'"):  # a name given
        build_session(SessionRequest(OURS_CSV, THEIRS_CSV, partner_name="Acme", prior=prior))


def test_a_prior_of_another_partnership_carries_when_forced_or_named(tmp_path):
    prior, rejected = _initech_prior(tmp_path)
    for request in (SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior, force=True),
                    SessionRequest(OURS_CSV, THEIRS_CSV, partner_name="Initech Inc.", prior=prior)):
        built = build_session(request)
        assert built.carried and built.session.partner.startswith("Initech")
        assert rejected not in {a.key for a in built.session.overlap()}


def test_a_name_given_is_kept_when_a_prior_is_forced_even_if_the_file_name_says_the_same(tmp_path):
    """The prior's company replaces a name only guessed from the file name. A name typed (in the
    form, or `--partner`) that happens to equal that guess was taken for one: `--force --partner
    Globex` made a session "Northwind x Initech"."""
    prior, _ = _initech_prior(tmp_path)
    guessed = ingest.company_from_path(THEIRS_CSV)
    given = build_session(SessionRequest(OURS_CSV, THEIRS_CSV, partner_name=guessed, prior=prior,
                                         force=True))
    assert given.session.partner == guessed != "Initech"
    assert build_session(SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior,
                                        force=True)).session.partner == "Initech"


@pytest.mark.parametrize("text", ["name", "=Company", "name=", "name=A,,domain"])
def test_bad_column_override_is_a_clear_error(text):
    if text == "name=A,,domain":
        with pytest.raises(AcctmapError, match="'domain'"):
            parse_columns(text, "--columns")
        return
    with pytest.raises(AcctmapError, match="--columns: expected ROLE=HEADER"):
        parse_columns(text, "--columns")


def test_status_map_parsing():
    assert parse_status_map(["Channel Partner = Prospect", "A=B=customer"]) == {
        "Channel Partner": "prospect", "A=B": "customer"}
    with pytest.raises(AcctmapError, match="STATUS one of"):
        parse_status_map(["Partner=friend"])
    with pytest.raises(AcctmapError, match="STATUS one of"):
        parse_status_map(["=prospect"])


def test_saved_session_opens_even_when_its_lists_are_gone(tmp_path):
    path = _saved_demo(tmp_path)
    session = session_io.load(path)
    session.sources[0].path = str(tmp_path / "moved.csv")
    session_io.save(session, path)
    wb = open_saved(path)
    assert wb.ours is None and wb.theirs is not None and not wb.dirty and wb.path == path


_BESIDE = bulk.beside


def _lists(wb) -> list:
    return [None if lst is None else [r.key for r in lst.records] for lst in (wb.ours, wb.theirs)]


def test_big_lists_are_reread_beside_the_session_with_the_same_result(tmp_path, monkeypatch):
    """Lists over PARALLEL_BYTES: the partner's list is re-read in a second process while this
    one reads ours; the workbench is the one the sequential path gives."""
    path = _saved_demo(tmp_path)
    alone = open_saved(path)
    monkeypatch.setattr(start, "PARALLEL_BYTES", -1)  # every list counts as big
    monkeypatch.setattr(bulk, "spare_core", lambda: True)  # whatever else the machine runs
    calls = []
    monkeypatch.setattr(bulk, "beside", lambda *a: calls.append(a) or _BESIDE(*a))
    beside = open_saved(path)
    assert len(calls) == 1  # the second process did run
    assert beside.session == alone.session and beside.lists_note == alone.lists_note == ""
    assert _lists(beside) == _lists(alone) and None not in _lists(beside)
    # and a list gone missing is named the same way
    session = session_io.load(path)
    session.sources[1].path = str(tmp_path / "moved.csv")
    session_io.save(session, path)
    gone = open_saved(path)
    assert gone.theirs is None and gone.ours is not None and "moved.csv: not found" in gone.lists_note


def test_a_session_naming_a_list_after_its_accounts_reads_the_lists_it_names(tmp_path, monkeypatch):
    """A hand-edited file with a second [[sources]] table after the accounts: the lists read are
    those the whole session names."""
    path = _saved_demo(tmp_path)
    text = path.read_text(encoding="utf-8")
    head, accounts = text.split("\n[[accounts]]", 1)
    partner = head.split("\n[[sources]]")[2]  # the partner's source (and what follows it)
    moved = head.replace("\n[[sources]]" + partner, "")
    path.write_text(moved + "\n[[accounts]]" + accounts + "\n[[sources]]" + partner, encoding="utf-8")
    monkeypatch.setattr(start, "PARALLEL_BYTES", -1)
    monkeypatch.setattr(bulk, "spare_core", lambda: True)
    wb = open_saved(path)
    assert wb.ours is not None and wb.theirs is not None and wb.lists_note == ""
    assert len(wb.theirs.records) == wb.session.source(PARTNER).accounts


def test_a_second_process_that_dies_leaves_the_lists_read_here(tmp_path, monkeypatch):
    path = _saved_demo(tmp_path)
    monkeypatch.setattr(start, "PARALLEL_BYTES", -1)
    monkeypatch.setattr(bulk, "spare_core", lambda: True)
    monkeypatch.setattr(bulk, "_forks", lambda: False)  # a new process, which
    monkeypatch.setattr(bulk, "SECOND_PROCESS", "import os; os._exit(3)")  # dies at once
    with pytest.raises(OSError, match=r"ended without a result \(exit 3\)"):
        bulk.beside(lambda: None, len, "it dies first")
    wb = open_saved(path)
    assert wb.ours is not None and wb.theirs is not None and wb.lists_note == ""
    assert len(wb.theirs.records) == wb.session.source(PARTNER).accounts


def _psi_finished(tmp_path: Path, ours_csv: Path):
    """Both sides of a private overlap exchange on the demo lists; ours finishes."""
    from acctmap_tui.core import psi

    secrets, f = tmp_path / "secrets", {n: tmp_path / f"{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    psi.start(ingest.read_list(str(ours_csv), OURS, "Northwind"), f["a1"], folder=secrets)
    psi.start(ingest.read_list(str(THEIRS_CSV), OURS, "Globex"), f["b1"], folder=secrets)
    psi.answer(f["b1"], f["a1"], f["b2"], folder=secrets)
    return psi.finish(f["a1"], f["b1"], f["b2"], folder=secrets)


def test_a_finished_exchange_opens_with_our_list_and_says_when_it_is_gone(tmp_path):
    """The exchange's session opens as an unsaved workbench; our list is re-read for pairing by
    hand while it is where it was, and a missing one is named, not an error."""
    from acctmap_tui.core.start import open_exchange

    ours_csv = tmp_path / "northwind.csv"
    ours_csv.write_bytes(OURS_CSV.read_bytes())
    finished = _psi_finished(tmp_path, ours_csv)
    wb = open_exchange(finished)
    assert wb.dirty and wb.path is None and wb.lists_note == ""
    assert wb.ours is not None and wb.theirs is None
    assert len(wb.session.overlap()) == len(finished.session.overlap()) > 0
    ours_csv.unlink()
    gone = open_exchange(finished)
    assert gone.ours is None and "not found" in gone.lists_note


def test_an_exchange_is_a_session_request_like_two_lists(tmp_path):
    """The exchange's three files in a SessionRequest open the same overlap through the one
    start path; a counts-only exchange is refused with a message, and so are swapped files."""
    from acctmap_tui.core import psi
    from acctmap_tui.core.start import ExchangeFiles, build_session

    f = {n: tmp_path / f"{n}.psi" for n in ("a1", "b1", "a2", "b2")}
    psi.start(ingest.read_list(str(OURS_CSV), OURS, "Northwind"), f["a1"])
    psi.start(ingest.read_list(str(THEIRS_CSV), OURS, "Globex"), f["b1"])
    psi.answer(f["b1"], f["a1"], f["b2"])
    psi.answer(f["a1"], f["b1"], f["a2"])
    request = SessionRequest.for_exchange(ExchangeFiles(f["a1"], f["b1"], f["b2"]),
                                          partner_name="Globex Inc")
    stages: list[str] = []
    wb = open_workbench(request, progress=lambda _f, stage: stages.append(stage or ""))
    built = build_session(request)
    assert "Finding the overlap…" in stages
    assert wb.session.partner == built.session.partner == "Globex Inc"
    assert {a.key for a in wb.session.overlap()} == {a.key for a in built.session.overlap()}
    assert wb.theirs is None and built.ours.records  # our list was re-read, theirs never exists
    with pytest.raises(AcctmapError, match="your own round-2 file"):
        open_workbench(SessionRequest.for_exchange(ExchangeFiles(f["a1"], f["b1"], f["a2"])))
