"""A session started from a prior session keeps the prior's "what the partner sees" marks.

The marks (`Session.fields`, the `ctrl+o` choices) carry with the private values they guard: a
field the prior kept private stays private, a field it shared stays shared, and a column new this
quarter keeps the default. Every driver (`match --from`, the load form's "Prior session", "carry
anyway") starts through `core.start`, so that is where these tests start.
"""

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from acctmap_tui.core import compare, export, ingest
from acctmap_tui.core import session as session_io
from acctmap_tui.core.model import OURS, SESSION_SIDE, AcctmapError, FieldInfo
from acctmap_tui.core.sharing import SharePolicy
from acctmap_tui.core.start import SessionRequest, build_session, open_workbench

OURS_CSV, THEIRS_CSV = ingest.demo_paths()
OWNER, ACTION, NAME = "ZZSownerPrior", "ZZSactionPrior", "ZZSnamePrior"
NEW_OWNER = "ZZSownerNew"
SEGMENT, COUNTRY = "ZZSsegmentNew", "ZZScountryRenamed"
PRIVATE = ((SESSION_SIDE, "owner"), (SESSION_SIDE, "next_action"), (OURS, "name"))


def _our_list(tmp_path: Path, name: str, rename: dict[str, str] | None = None,
              add: dict[str, str] | None = None) -> Path:
    """Northwind's demo list with NAME in every account name; headers renamed (old -> new) and
    columns added (header -> value in every row)."""
    rename, add = rename or {}, add or {}
    with open(OURS_CSV, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = [rename.get(h, h) for h in rows[0]] + list(add)
    out = tmp_path / name
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for row in rows:
            row = {rename.get(k, k): v for k, v in row.items()}
            row["Account Name"] = f"{row['Account Name']} {NAME}"
            writer.writerow({**row, **add})
    return out


def _request(ours: Path, prior=None, **kw) -> SessionRequest:
    return SessionRequest(ours, THEIRS_CSV, ours_name="Northwind", partner_name="Globex",
                          prior=prior, **kw)


def _prior(tmp_path: Path, marks: dict[tuple[str, str], bool], ours: Path | None = None) -> Path:
    """Last quarter's saved session: an owner and a next action on every overlap account, and
    `marks` set as `ctrl+o` sets them."""
    wb = open_workbench(_request(ours or _our_list(tmp_path, "northwind_q4.csv")))
    for account in wb.session.overlap():
        wb.set_fields(account, owner=OWNER, next_action=ACTION)
    for (side, name), shareable in marks.items():
        wb.set_shareable(side, name, shareable)
    return wb.save(tmp_path / "q4.toml")


def _partner_safe_exports(session, tmp_path: Path) -> str:
    """Every partner-safe export of a session (what `acctmap export --partner-safe` writes, and
    the CRM imports, which always keep to the shareable fields), as one text."""
    texts = []
    for fmt in ("csv", "md", "salesforce", "hubspot"):
        path = export.write_export(session, tmp_path / f"ps.{fmt}.out", fmt, partner_safe=True)
        texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_fields_the_prior_kept_private_stay_private_and_out_of_partner_safe_exports(tmp_path):
    prior = _prior(tmp_path, {field: False for field in PRIVATE})
    ours = _our_list(tmp_path, "northwind_q1.csv")

    built = build_session(_request(ours, prior=prior))  # `acctmap match A B --from PRIOR`
    session = built.session
    assert built.carried  # the private values came along ...
    internal = export.write_export(session, tmp_path / "internal.csv", "csv").read_text(encoding="utf-8")
    assert OWNER in internal and ACTION in internal and NAME in internal

    policy = SharePolicy(session)  # ... and so did the marks that keep them from the partner
    assert [policy.shareable(*field) for field in PRIVATE] == [False, False, False]
    text = _partner_safe_exports(session, tmp_path)
    assert OWNER not in text and ACTION not in text and NAME not in text
    # the app's path (the load form's "Prior session") says the same, saved and reopened too
    wb = open_workbench(_request(ours, prior=prior))
    assert not any(SharePolicy(wb.session).shareable(*field) for field in PRIVATE)
    wb.set_field(wb.session.overlap()[0], "owner", NEW_OWNER)
    reopened = session_io.load(wb.save(tmp_path / "q1.toml"))
    assert not any(SharePolicy(reopened).shareable(*field) for field in PRIVATE)
    # and the partner-safe diff between the quarters still keeps the stricter of both marks
    diff = compare.diff_sessions(session_io.load(prior), reopened)
    assert NEW_OWNER in compare.render_text(diff)
    safe = compare.partner_safe(diff, session_io.load(prior), reopened)
    for render in (compare.render_text, compare.render_markdown, compare.render_csv,
                   compare.render_json):
        text = render(safe)
        assert not any(marker in text for marker in (OWNER, NEW_OWNER, ACTION, NAME))


def test_carry_anyway_carries_the_marks_too(tmp_path):
    """The load form's "carry anyway": a prior of another partnership name, carried by force."""
    prior = _prior(tmp_path, {field: False for field in PRIVATE})
    ours = _our_list(tmp_path, "northwind_q1.csv")
    request = SessionRequest(ours, THEIRS_CSV, ours_name="Northwind", partner_name="Initech",
                             prior=prior, force=True)
    with pytest.raises(AcctmapError, match="another partnership"):
        build_session(replace(request, force=False))
    wb = open_workbench(request)
    assert any(a.owner == OWNER for a in wb.session.overlap())
    assert not any(SharePolicy(wb.session).shareable(*field) for field in PRIVATE)
    text = _partner_safe_exports(wb.session, tmp_path)
    assert OWNER not in text and ACTION not in text and NAME not in text


def test_a_prior_that_shared_an_extra_column_and_the_priority_carries_that_choice(tmp_path):
    prior = _prior(tmp_path, {(OURS, "Industry"): True, (SESSION_SIDE, "priority"): True})
    session = build_session(_request(_our_list(tmp_path, "northwind_q1.csv"), prior=prior)).session

    policy = SharePolicy(session)
    assert policy.shareable(OURS, "Industry") and policy.shareable(SESSION_SIDE, "priority")
    assert not policy.shareable(OURS, "Billing Country")  # not shared last quarter either
    columns = export.action_columns(session, shareable_only=True)
    assert "our Industry" in columns and "priority" in columns
    assert "our Billing Country" not in columns


def test_a_column_new_or_renamed_this_quarter_keeps_the_default(tmp_path):
    """Only the columns the prior had carry its marks: the partner never saw a new column."""
    prior = _prior(tmp_path, {(OURS, "Industry"): True, (OURS, "Billing Country"): True})
    ours = _our_list(tmp_path, "northwind_q1.csv", rename={"Billing Country": "Country"},
                     add={"Segment": SEGMENT})
    with open(ours, encoding="utf-8", newline="") as f:  # the renamed column holds a marker
        rows = list(csv.DictReader(f))
    with open(ours, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "Country": COUNTRY} for r in rows)

    session = build_session(_request(ours, prior=prior)).session
    marks = {(f.side, f.name): f.shareable for f in session.fields}
    assert marks[(OURS, "Industry")] is True  # carried
    assert marks[(OURS, "Country")] is False  # renamed: the default for an extra column
    assert marks[(OURS, "Segment")] is False  # new this quarter: the default
    text = _partner_safe_exports(session, tmp_path)
    assert SEGMENT not in text and COUNTRY not in text
    assert "our Industry" in text


def test_a_list_role_carries_a_shared_mark_only_from_the_same_column(tmp_path):
    """Our account owner (private by default), shared last quarter from "Account Owner": shared
    again from that column; read from another column this quarter, it is private again."""
    prior = _prior(tmp_path, {(OURS, "owner"): True})
    same = build_session(_request(_our_list(tmp_path, "same.csv"), prior=prior)).session
    assert SharePolicy(same).shareable(OURS, "owner")

    moved = _our_list(tmp_path, "moved.csv", rename={"Account Owner": "AE"})
    other = build_session(_request(moved, prior=prior, ours_columns={"owner": "AE"})).session
    assert next(f for f in other.fields if (f.side, f.name) == (OURS, "owner")).column == "AE"
    assert not SharePolicy(other).shareable(OURS, "owner")


def test_the_rule_field_by_field():
    from acctmap_tui.core.sharing import carry_marks

    prior = [
        FieldInfo(OURS, "name", "Account Name", False),  # marked private
        FieldInfo(OURS, "status", "Type", True),
        FieldInfo(OURS, "Stage", "Stage", False),  # an extra column, private
        FieldInfo(OURS, "Industry", "Industry", True),  # shared by the user
        FieldInfo(SESSION_SIDE, "notes", "", True),  # shared by the user
        FieldInfo(SESSION_SIDE, "owner", "", False),  # marked private
    ]
    new = [
        FieldInfo(OURS, "name", "Company", True),  # renamed, still private
        FieldInfo(OURS, "status", "Stage", True),  # read from a column kept private
        FieldInfo(OURS, "Industry", "Industry", False),
        FieldInfo(OURS, "Region", "Region", False),  # new this quarter
        FieldInfo(OURS, "domain", "Website", True),  # not in the prior: the default
        FieldInfo(SESSION_SIDE, "notes", "", False),
        FieldInfo(SESSION_SIDE, "owner", "", True),
        FieldInfo(SESSION_SIDE, "due", "", True),
    ]
    carry_marks(new, prior)
    assert {(f.side, f.name): f.shareable for f in new} == {
        (OURS, "name"): False, (OURS, "status"): False, (OURS, "Industry"): True,
        (OURS, "Region"): False, (OURS, "domain"): True, (SESSION_SIDE, "notes"): True,
        (SESSION_SIDE, "owner"): False, (SESSION_SIDE, "due"): True,
    }


def test_the_start_says_which_marks_it_kept_from_the_prior(tmp_path):
    """The marks carried are said (the CLI prints the start's notes): a user who wonders why the
    partner-safe export leaves the owner out sees it was last quarter's choice."""
    prior = _prior(tmp_path, {(SESSION_SIDE, "owner"): False, (SESSION_SIDE, "priority"): True})
    built = build_session(_request(_our_list(tmp_path, "northwind_q1.csv"), prior=prior))
    said = [n for n in built.notes if n.startswith("What the partner sees")]
    assert len(said) == 1 and "private: Owner" in said[0] and "shared: Priority" in said[0], said
    plain = _prior(tmp_path, {})  # nothing marked: nothing to say
    built = build_session(_request(_our_list(tmp_path, "northwind_q2.csv"), prior=plain))
    assert not [n for n in built.notes if n.startswith("What the partner sees")]
