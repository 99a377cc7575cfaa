"""`model.Extra`, a record's other columns held as the list's headers and the row's cells: it
must behave as the dict it replaces, in every operation and across a pickle."""

from __future__ import annotations

import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from acctmap_tui.core import ingest
from acctmap_tui.core.ingest import read_list
from acctmap_tui.core.model import OURS, AccountList, Extra, Record

HEADERS = ["Region", "Tier", "Industry", "Notes"]
_keys = st.sampled_from(HEADERS + ["Set by hand", "Other"])
_ops = st.lists(st.one_of(
    st.tuples(st.just("set"), _keys, st.sampled_from(["", "DE", "Gold", "x"])),
    st.tuples(st.just("del"), _keys, st.none()),
), max_size=12)


def _both(cells: list[str]) -> tuple[Extra, dict[str, str]]:
    at = {h: i for i, h in enumerate(HEADERS)}
    return Extra(at, list(cells)), dict(zip(HEADERS, cells))


def _same(extra: Extra, plain: dict[str, str]) -> None:
    assert list(extra) == list(plain) and len(extra) == len(plain) and bool(extra) == bool(plain)
    assert extra.copy() == plain and list(extra.items()) == list(plain.items())
    assert list(extra.values()) == list(plain.values()) and list(extra.keys()) == list(plain.keys())
    assert extra == plain and plain == extra and repr(extra) == repr(plain)
    for key in HEADERS + ["Set by hand", "Other"]:
        assert (key in extra) == (key in plain)
        assert extra.get(key, "-") == plain.get(key, "-")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "EU", "Gold"]), min_size=4, max_size=4), _ops)
def test_extra_does_what_a_dict_does(cells: list[str], ops: list[tuple]) -> None:
    extra, plain = _both(cells)
    for op, key, value in ops:
        if op == "set":
            extra[key] = value
            plain[key] = value
        else:
            missing = key not in plain
            try:
                del extra[key]
            except KeyError:
                assert missing
            else:
                assert not missing
                del plain[key]
        _same(extra, plain)
    _same(pickle.loads(pickle.dumps(extra)), plain)


def test_a_list_read_from_a_file_crosses_with_its_headers_once_and_each_rows_cells(tmp_path: Path) -> None:
    more = [f"Field {k}" for k in range(ingest.SHARED_HEADERS_FROM - 2)]  # a wide export
    path = tmp_path / "o.csv"
    path.write_text(f"Account Name,Website,Type,Region,Tier,{','.join(more)}\n"
                    f"Acme,acme.com,Customer,DE,{',' * len(more)}\nGlobex,globex.com,Prospect,,Gold{',' * len(more)}\n",
                    encoding="utf-8")
    lst = read_list(path, OURS)
    assert all(type(r.extra) is Extra for r in lst.records)
    back = pickle.loads(pickle.dumps(lst, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == lst
    blank = dict.fromkeys(more, "")
    assert [dict(r.extra) for r in back.records] == [{"Region": "DE", "Tier": "", **blank},
                                                      {"Region": "", "Tier": "Gold", **blank}]
    first, second = (r.extra for r in back.records)
    assert type(first) is Extra and first._at is second._at  # one table of headers
    first["Tier"] = "Silver"  # a column filled on one record only
    assert second["Tier"] == "Gold"


def test_a_narrow_export_keeps_a_dict_a_row(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("Account Name,Website,Type,Region\nAcme,acme.com,Customer,DE\n", encoding="utf-8")
    (rec,) = read_list(path, OURS).records
    assert type(rec.extra) is dict and rec.extra == {"Region": "DE"}


def test_a_list_whose_records_were_edited_out_of_their_headers_crosses_as_it_was() -> None:
    at = {"Region": 0}
    edited = Extra(at, ["DE"])
    edited["Set by hand"] = "yes"
    deleted = Extra(at, ["FR"])
    del deleted["Region"]
    for records in ([Record("A", "a.com", extra=edited), Record("B", "b.com", extra=deleted)],
                    [Record("D", "d.com", extra=Extra(at, ["UK"])), Record("C", "c.com", extra={"Plain": "dict"})]):
        lst = AccountList(OURS, "Us", "o.csv", records=records)
        back = pickle.loads(pickle.dumps(lst, protocol=pickle.HIGHEST_PROTOCOL))
        assert [r.extra.copy() for r in back.records] == [r.extra.copy() for r in records]
