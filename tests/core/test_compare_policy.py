"""The partner-safe Compare report asks each session's share policy once, its "domain changed?"
hint shows by the one rule the Compare screen asks, and it orders its rows by what it shows (never
by a name or a domain it leaves out); one partnership rule refuses a diff and a start from a prior
session alike."""

from __future__ import annotations

import json
import re
from itertools import product
from pathlib import Path

import pytest

from acctmap_tui.core import compare, sharing
from acctmap_tui.core.compare import (
    NEW, PartnerMismatch, diff_sessions, partner_safe, render_csv, render_json, render_markdown,
    render_text,
)
from acctmap_tui.core.model import (
    CUSTOMER, OURS, PARTNER, PROSPECT, SESSION_SIDE, Account, Session,
)
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.start import SessionRequest, prepare
from tests.core.compare_factory import Q3, Q4, acct, session

RENDERERS = {"text": render_text, "md": render_markdown, "csv": render_csv, "json": render_json}


def marked(s: Session, *private: tuple[str, str]) -> Session:
    """The session with the default policy, and these fields (side, name) marked private."""
    s.fields = default_field_policy(s)
    for f in s.fields:
        if (f.side, f.name) in private:
            f.shareable = False
    return s


def sessions(accounts: int = 30, *private: tuple[str, str]) -> tuple[Session, Session]:
    """Two quarters of `accounts` accounts, each with an action agreed last time and changes."""
    old = [acct(f"d{n}.com", f"Company {n}", PROSPECT, CUSTOMER, owner="Dana",
                next_action=f"call {n}", notes="old") for n in range(accounts)]
    new = [acct(f"d{n}.com", f"Company {n}", CUSTOMER, CUSTOMER, owner="Sam",
                next_action=f"call {n}", notes="new") for n in range(accounts)]
    return (marked(session(old, day=Q3), *private), marked(session(new, day=Q4), *private))


# --- the share policy: made once per report -----------------------------------------------------


@pytest.mark.parametrize("accounts", [3, 40])
def test_a_partner_safe_report_makes_each_sessions_policy_once(policies_made, accounts):
    old, new = sessions(accounts, (SESSION_SIDE, "owner"))
    d = diff_sessions(old, new)
    assert len(policies_made) <= 2, len(policies_made)  # the report's private fields
    policies_made.clear()
    safe = partner_safe(d, old, new)
    assert sorted(map(id, policies_made)) == sorted((id(old), id(new)))  # one each, any size
    assert len(safe.actions) == accounts and not any(a.owner for a in safe.actions)


def test_private_actions_look_no_account_up(monkeypatch: pytest.MonkeyPatch):
    """With the next action private, last time's actions leave the report: no account of either
    session is looked up for them (the overlap of both was read into a dict for nothing)."""
    old, new = sessions(20, (SESSION_SIDE, "next_action"))
    d = diff_sessions(old, new)
    assert d.actions
    reads: list[Session] = []
    overlap = Session.overlap

    def counted(self: Session):
        reads.append(self)
        return overlap(self)

    monkeypatch.setattr(Session, "overlap", counted)
    safe = partner_safe(d, old, new)
    assert safe.actions == [] and reads == []


def test_the_review_panes_fields_ask_one_policy_per_pair(policies_made):
    """The diff pane's rows (names, domains, statuses, owners and every extra column of a pair)
    ask the session's share policy made once for the pair."""
    from acctmap_tui.widgets.diff_pane import field_rows

    old, new = sessions(1)
    account = new.accounts[0]
    for n in range(8):
        account.ours.extra[f"Column {n}"] = account.theirs.extra[f"Column {n}"] = "x"
    rows, hidden = field_rows(account, new, privacy=True)
    assert len(policies_made) == 1 and hidden == 2 + 2 * 8 + 2  # raw domain, extras, owners
    assert {r.label for r in rows} == {"name", "domain", "status"}


# --- the "domain changed?" hint: one rule ---------------------------------------------------------

IDENTITY = [(side, role) for side in (OURS, PARTNER) for role in ("name", "domain")]
NAME_ORDER = [(side, role) for role in ("name", "domain") for side in (OURS, PARTNER)]


@pytest.mark.parametrize("hidden", list(product([False, True], repeat=4)))
def test_the_hint_shows_by_one_rule_in_the_report_and_on_screen(hidden):
    """A renamed domain (gone and new with one name) gets a hint in the partner-safe report
    exactly where `hint_shown` lets the screen show it."""
    private = [field for field, off in zip(IDENTITY, hidden) if off]
    old = marked(session([acct("kestrel.com", "Kestrel Foods", CUSTOMER, CUSTOMER)], day=Q3),
                 *private)
    new = marked(session([acct("kestrel-foods.com", "Kestrel Foods", CUSTOMER, CUSTOMER)]),
                 *private)
    d = diff_sessions(old, new)
    assert all(a.hint for a in d.accounts)
    safe = partner_safe(d, old, new)
    policy = compare.both_shareable(old, new)
    assert all(bool(a.hint) == compare.hint_shown(policy) for a in safe.accounts)
    assert compare.hint_shown(policy) == (not private)


def test_the_screens_ask_the_cores_hint_rule():
    from acctmap_tui.screens import compare as compare_screen, compare_account

    assert compare_account.hint_shown is compare_screen.hint_shown is compare.hint_shown
    assert not hasattr(compare_account, "identity_shown")


# --- the order of a partner-safe report ----------------------------------------------------------

# Real names in one order, domains in the other: "Aardvark" is at zulu.com, "Zebra" at alpha.com.
ROWS = [("zulu.com", "Aardvark Ltd", "plan 1"), ("alpha.com", "Zebra Inc", "plan 2"),
        ("mike.com", "Marmot AG", "plan 3")]
BY_DOMAIN = ["alpha.com", "mike.com", "zulu.com"]
NAMES_PRIVATE = ((OURS, "name"), (PARTNER, "name"))


def _ordered(report: str, keys: list[str]) -> list[str]:
    return sorted(keys, key=report.index)


@pytest.mark.parametrize("fmt", RENDERERS)
def test_a_partner_safe_report_lists_rows_by_what_it_shows_not_by_hidden_names(fmt):
    """Names private, domains shared: new accounts and last time's actions come in the order of
    the domains shown. In the order of the hidden names (Aardvark, Marmot, Zebra) they would
    tell the partner how the names sort."""
    old = marked(session([acct(domain, name, PROSPECT, CUSTOMER, next_action=action)
                          for domain, name, action in ROWS], day=Q3), *NAMES_PRIVATE)
    new = marked(session([acct(domain, name, CUSTOMER, CUSTOMER, next_action=action)
                          for domain, name, action in ROWS]
                         + [acct(f"new-{domain}", name, CUSTOMER, PROSPECT)
                            for domain, name, _ in ROWS]), *NAMES_PRIVATE)
    d = diff_sessions(old, new)
    assert [a.key for a in d.accounts if a.kind == NEW] == [
        "new-zulu.com", "new-mike.com", "new-alpha.com"]  # the internal report: by name
    safe = partner_safe(d, old, new)
    report = RENDERERS[fmt](safe)
    assert "Aardvark" not in report and "Zebra" not in report
    new_keys = [f"new-{k}" for k in BY_DOMAIN]
    assert [a.key for a in safe.accounts if a.kind == NEW] == new_keys
    assert _ordered(report, new_keys) == new_keys
    assert [a.key for a in safe.actions] == BY_DOMAIN
    if fmt != "csv":  # the CSV lists the accounts, not the actions
        actions = ["plan 2", "plan 3", "plan 1"]  # alpha.com, mike.com, zulu.com
        assert _ordered(report, actions) == actions


def test_with_names_and_domains_private_rows_alike_go_by_a_neutral_key():
    """Nothing names an account: the rows, alike in name and key, go by `score.neutral_key` (a
    keyed hash, the rule of every list by name), neither by the hidden names (Aardvark ...
    Zebra) nor by the hidden domains (alpha.com ... zulu.com)."""
    from acctmap_tui.core.score import neutral_key

    private = (*NAMES_PRIVATE, (OURS, "domain"), (PARTNER, "domain"))
    names = ["Aardvark", "Bison", "Cougar", "Dingo", "Marmot", "Zebra"]
    domains = ["zulu.com", "alpha.com", "mike.com", "kilo.com", "echo.com", "bravo.com"]
    old = marked(session([], day=Q3), *private)
    new = marked(session([acct(domain, name, CUSTOMER, CUSTOMER)
                          for name, domain in zip(names, domains)]), *private)
    new.session_id = "the session's own"
    d = diff_sessions(old, new)
    by_name = [a.new.ours.name for a in d.accounts]
    assert by_name == names  # the internal report: by name
    safe = partner_safe(d, old, new)
    assert {(a.key, a.name) for a in safe.accounts} == {("", "(our name hidden)")}
    listed = [a.new.ours.name for a in safe.accounts]
    neutral = [neutral_key(a.new, new.session_id) for a in safe.accounts]
    assert neutral == sorted(neutral)
    assert listed != names and [a.new.ours.domain for a in safe.accounts] != sorted(domains)
    assert not any("key" in a for a in json.loads(render_json(safe))["accounts"])  # no key field


# --- one naming rule: the report names an account as the Compare screen does ---------------------


def _named(n: str, domain: bool = True, **kw) -> Account:
    """An account whose four identity values each say what they are, and differ (a pair matched
    by name has no domain: its key is our name key)."""
    a = acct(f"ourdomain-{n}.com" if domain else "", f"Ourname-{n}", CUSTOMER, CUSTOMER,
             their_name=f"Theirname-{n}", **kw)
    a.theirs.domain = f"theirdomain-{n}.net" if domain else ""
    a.ours.name_key, a.theirs.name_key = f"ourname-{n}", f"theirname-{n}"
    return a


def _identities(*private: tuple[str, str]) -> tuple[Session, Session]:
    """Last quarter and this one: a one-to-many pair (two of theirs to our Ourname-1, each with an
    action), a pair matched by name, one account gone and one new; each agreed an action."""
    def twin(**kw) -> Account:
        a = _named("1", **kw)
        a.theirs.name, a.theirs.domain, a.theirs.name_key = ("Theirname-1b", "theirdomain-1b.net",
                                                             "theirname-1b")
        return a

    old = session([_named("1", next_action="plan 1"), twin(next_action="plan 1b"),
                   _named("2", next_action="plan 2"), _named("3", False, next_action="plan 3")],
                  day=Q3)
    new = session([_named("1", next_action="plan 1", owner="Sam"), twin(next_action="plan 1b"),
                   _named("3", False, next_action="plan 3"), _named("4")])
    return marked(old, *private), marked(new, *private)


@pytest.mark.parametrize("hidden", list(product([False, True], repeat=4)))
def test_the_report_names_each_account_as_every_view_does(hidden):
    """The partner-safe report's rows and last time's actions go by the name every view gives an
    account (`sharing.account_name`: ours, theirs, then a domain, else "(our name hidden)") and
    by its key where the key may show, as the Compare screen and its account dialog do; an action
    of a one-to-many pair is named by its own pair."""
    private = [field for field, off in zip(IDENTITY, hidden) if off]
    old, new = _identities(*private)
    d = diff_sessions(old, new)
    policy = compare.both_shareable(old, new)
    safe = partner_safe(d, old, new)
    domains = not any(role == "domain" for _, role in private)
    names = not any(role == "name" for _, role in private)
    by_account = {id(a.new or a.old): a for a in safe.accounts}
    assert len(by_account) == len(d.accounts) == 5
    for a in d.accounts:
        account = a.new or a.old
        shown = by_account[id(account)]
        assert shown.name == sharing.account_name(account, policy), (a.key, private)
        key_shows = domains and (names or "name:" not in a.key)
        assert shown.key == (a.key if key_shows else ""), (a.key, private)
    plans = {account.next_action: account for account in old.overlap()}
    assert len(safe.actions) == 4
    for r in safe.actions:
        assert r.name == sharing.account_name(plans[r.next_action], policy), (r, private)


def test_the_screens_ask_the_cores_naming_rule():
    from acctmap_tui.screens import compare as compare_screen, compare_account

    assert compare_account.shown_identity is compare_screen.shown_identity is compare.shown_identity
    assert not hasattr(compare_account, "diff_name") and not hasattr(compare, "_safe_identity")


@pytest.mark.parametrize("hidden", list(product([False, True], repeat=4)))
def test_no_private_name_or_domain_names_an_account_in_the_report(hidden):
    """Names and domains marked private (on either side, in either session) appear in no format:
    a row goes by a value that may show, else by "(our name hidden)"."""
    private = [field for field, off in zip(IDENTITY, hidden) if off]
    old, new = _identities(*private)
    old.fields = default_field_policy(old)  # the stricter policy of the two is the new one's
    safe = partner_safe(diff_sessions(old, new), old, new)
    words = {(OURS, "name"): "ourname", (PARTNER, "name"): "theirname",
             (OURS, "domain"): "ourdomain", (PARTNER, "domain"): "theirdomain"}
    for fmt, render in RENDERERS.items():
        report = render(safe).casefold()
        for field in private:
            assert words[field] not in report, (fmt, field, private)
        # the check can fail: the first value that may show names the rows
        first = next((words[f] for f in NAME_ORDER if f not in private), "(our name hidden)")
        assert first in report, (fmt, private)


# --- one partnership rule ------------------------------------------------------------------------

FORM = re.compile(r"^(?P<earlier>.+) is of another partnership \((?P<was>.+ x .+)\) than "
                  r"(?P<later>.+) \((?P<now>.+ x .+)\): (?P<why>'.+' (\(.+\) )?is not '.+')\. "
                  r".*[Tt]o (?P<anyway>.+) anyway, add --force$")


def _initech(tmp_path: Path) -> Path:
    from acctmap_tui.core.start import demo_request, open_workbench

    wb = open_workbench(demo_request())
    wb.session.partner = "Initech"
    return wb.save(tmp_path / "2026-Q3-initech.toml")


def test_a_diff_and_a_start_are_refused_by_one_rule_in_one_form(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    from tests.core.test_start import OURS_CSV, THEIRS_CSV

    prior = _initech(tmp_path)
    with pytest.raises(PartnerMismatch) as started:
        prepare(SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior))
    old = session([acct("a.com", "A", CUSTOMER, CUSTOMER)], day=Q3, partner="Initech")
    new = session([acct("a.com", "A", CUSTOMER, CUSTOMER)], partner="Globex")
    with pytest.raises(PartnerMismatch) as diffed:
        diff_sessions(old, new)
    for refused in (started.value, diffed.value):
        form = FORM.match(str(refused))
        assert form, str(refused)
        assert form["was"] == "Northwind x Initech" and form["now"] == "Northwind x Globex"
        assert str(refused).startswith(refused.mismatch) and "--force" not in refused.mismatch
    start_form, diff_form = FORM.match(str(started.value)), FORM.match(str(diffed.value))
    assert start_form["earlier"] == f"the prior session {prior}"  # its file, and the lists'
    assert start_form["later"] == f"the lists {OURS_CSV.name} and {THEIRS_CSV.name}"
    assert start_form["why"] == f"'Globex' (from the file name {THEIRS_CSV.name}) is not 'Initech'"
    assert diff_form["why"] == "'Globex' is not 'Initech'" and diff_form["anyway"] == "compare them"
    # ... and both ask the one function
    asked: list[tuple[str, str]] = []

    def check(earlier, later, anyway, options=None):
        asked.append((earlier.what, later.what))

    monkeypatch.setattr(compare, "check_partnership", check)
    prepare(SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior))
    diff_sessions(old, new)
    assert len(asked) == 2


def test_force_still_compares_and_carries_another_partnership(tmp_path: Path):
    from tests.core.test_start import OURS_CSV, THEIRS_CSV

    prior = _initech(tmp_path)
    assert prepare(SessionRequest(OURS_CSV, THEIRS_CSV, prior=prior, force=True)).prior
    old = session([acct("a.com", "A", CUSTOMER, CUSTOMER)], day=Q3, partner="Initech")
    new = session([acct("a.com", "A", CUSTOMER, CUSTOMER)], partner="Globex")
    assert diff_sessions(old, new, force=True).counts()["same"] == 1
