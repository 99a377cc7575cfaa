"""Private overlap exchange: a two-party Diffie-Hellman private set intersection (PSI) by files.

Each side learns which registrable domains both lists hold (or, in counts-only mode, only how many
per category), and the partner's status for those accounts; nothing about the rest of the
partner's list but its size. No server, no third party, no shared key: three commands, two files
sent each way. The protocol is written out in docs/PSI.md; in short, with H(x) a registrable
domain hashed to the ristretto255 group (SHA-512 over a fixed context string, then libsodium's
`crypto_core_ristretto255_from_hash` via `rbcl`; no curve arithmetic here):

round 1 (`start`): fresh secret scalars r (blinding) and k (my PRF key). The file holds
  * the query: H(x)^r for each of my domains x, shuffled;
  * the table: for each of my domains y, shuffled on its own, tag(H(y)^k) and my status for y
    encrypted under a key derived from H(y)^k (a one-time pad, since each key is used once, plus
    a MAC).
round 2 (`answer`): the partner's query points raised to my k, in their order (counts-only:
  shuffled, so no answer can be linked back to an item).
finish: (H(x)^(r k'))^(1/r) = H(x)^k' for each of my domains: its tag is in the partner's table
  exactly when x is on their list, and only then can I decrypt their status.

Counts-only mode hashes (domain, my status bucket) instead of the domain alone, and each table
holds one entry per own domain and possible querier bucket (customer, prospect, unknown) whose
value is the category of that pairing. A side then learns one category per overlapping account,
unlinkable to its own accounts because the answers come back shuffled.

The local secret (r, k, my domains in query order, my records) is written to a 0600 file in the
per-user data folder (`secret_dir()`), never beside the round file, so a folder attached to an
e-mail or a drag-and-drop of the round file cannot take it along. It also records the one partner
round-1 file its k answered: `answer` refuses any other (each answer would test another batch of
the partner's domains against my list), and answers that same file again.

Security model: semi-honest (both sides follow the protocol). A side can still put guessed domains
on its own list; `answer` shows the partner's company and list size before it computes or records
anything, and answers a list more than SIZE_RATIO times ours only when that size is confirmed
(`expect_size`); one answer per exchange keeps that size the whole of what it can test.

Everything in a partner's round file is hostile input: it is bounded before it is parsed (a file
larger than its declared list size needs, or with more values than a round file has, is refused
unread), its ids must be hex, and a company name holding control or formatting characters (escape
sequences, line breaks, bidi overrides) is refused, since that name is drawn on our screen.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import secrets
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from acctmap_tui.core.categorize import apply_categories, bucket, categorize
from acctmap_tui.core.sharing import default_field_policy
from acctmap_tui.core.model import (
    AUTO,
    CATEGORIES,
    CUSTOMER,
    OURS,
    PARTNER,
    PROSPECT,
    PSI,
    STATUSES,
    Account,
    AccountList,
    AcctmapError,
    MatchInfo,
    Problem,
    Record,
    Session,
    Source,
    quarter,
    quoted,
)
from acctmap_tui.core.pipeline import source_of
from acctmap_tui.core.score import rescore
from acctmap_tui.core import atomic
from acctmap_tui.core.privacy import read_exchange_file

FORMAT = "acctmap-psi"
SECRET_FORMAT = "acctmap-psi-secret"
VERSION = 1
# Domain separation for hash-to-group. Fresh secrets make every exchange distinct, so one fixed
# context suffices; changing it (or the version) makes old and new acctmap find no overlap.
CONTEXT = b"acctmap private overlap v1 | ristretto255 | SHA-512"
KDF_PERSON = b"acctmap-psi-kdf1"  # blake2b personalisation (16 bytes)
POINT = 32  # bytes of a ristretto255 element (crypto_core_ristretto255_BYTES)
TAG = 16
MAC = 16
ENTRY = TAG + 1 + MAC
WORKERS = min(4, os.cpu_count() or 1)  # threads for the group operations
PARALLEL_FROM = 2000  # below this many operations one thread is quicker
# A round file is refused above this size before it is parsed: room for about 1.5 million accounts
# (counts-only round 1, 175 bytes each; 3 million otherwise), far past a CRM export acctmap reads.
ROUND_FILE_LIMIT = 256 * 2**20
# What a round file holds besides its points and table, with room to spare (its longest company
# name, escaped, is 600 characters): a file larger than its list size needs is refused unparsed.
HEADER_ROOM = 8 * 1024
COMPANY_LIMIT = 100  # characters of a company name in a round file
# Commas a round file may hold: a dozen between its fields, the rest in its company name. Every
# value of a JSON array or object but the last is followed by a comma (nesting without commas
# ends at the parser's depth limit), so this bounds what parsing builds: 80 million `{}` items
# took 6 GB before they were refused.
COMMA_LIMIT = 32 + COMPANY_LIMIT
# A partner list more than this many times ours is answered only when that size is expected: a
# list padded with guessed domains shows in its size, and one answer tests every entry.
SIZE_RATIO = 2

# What a table entry's one encrypted byte means: the owner's status (overlap mode) or the category
# of the pairing (counts-only). Index 0 is "unknown".
STATUS_VALUES: tuple[str | None, ...] = (None, *STATUSES)
CATEGORY_VALUES: tuple[str | None, ...] = (None, *(c.key for c in CATEGORIES))
# Counts-only: the querier's status bucket, and the status that stands for it in `categorize`.
BUCKETS: tuple[tuple[str, str | None], ...] = (("customer", CUSTOMER), ("prospect", PROSPECT),
                                               ("unknown", None))
UNCATEGORIZED = "uncategorized"


# --- errors and small helpers -----------------------------------------------------------------


def _fail(path: str | Path, message: str) -> AcctmapError:
    return AcctmapError(Problem(str(path), None, None, message, "error"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _chunks(blob: bytes, size: int) -> list[bytes]:
    return [blob[i:i + size] for i in range(0, len(blob), size)]


def secret_dir() -> Path:
    """Where local secrets live: the per-user data folder (e.g. ~/.local/share/acctmap/psi)."""
    import platformdirs

    return platformdirs.user_data_path("acctmap") / "psi"


def check_output(path: str | Path, *inputs: str | Path) -> Path:
    """Refuse an output path that is a symbolic link, a device or a FIFO (it would be replaced),
    or one of the step's own input files (`psi answer N1 G1 -o N1` would lose our round 1)."""
    path = Path(path)
    if path.is_symlink():
        raise _fail(path, "is a symbolic link: name a plain file to write")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise _fail(path, "is not a plain file (a folder, device or FIFO): name a file to write")
    atomic.refuse_own_input(path, *inputs)
    return path


def _write(path: Path, data: bytes) -> None:
    check_output(path)
    try:
        atomic.write_bytes(path, data)  # a new file is 0600 (mkstemp); the rename keeps it
    except OSError as exc:
        raise _fail(path, f"cannot write: {exc.strerror or exc}") from exc


# --- the group and the key derivation (all curve work is libsodium's, through rbcl) -----------


def _rbcl():
    """rbcl, imported on first use (only the psi steps need it).

    Importing rbcl writes its bundled libsodium (2.7 MB) to a new temporary file and loads it
    from there, and never deletes it: without this, every run would leave one in /tmp. Once the
    library is loaded the file is not needed any more (POSIX keeps the mapping), so it goes.
    """
    first = "rbcl" not in sys.modules
    import rbcl

    if first:
        lib = getattr(getattr(rbcl, "_sodium", None), "_name", None)  # the loaded CDLL's path
        if isinstance(lib, str) and Path(lib).parent == Path(tempfile.gettempdir()) \
                and Path(lib).suffix in (".so", ".pyd", ".dylib"):
            try:
                os.unlink(lib)
            except OSError:  # Windows keeps a loaded DLL locked; nothing to do there
                pass
    return rbcl


def _in_parallel(fn: Callable[[list, int], list], items: list) -> list:
    """fn(chunk, offset) over contiguous chunks on WORKERS threads, results in order.

    rbcl calls libsodium through ctypes, which releases the GIL during the call, so the group
    operations (nearly all the time of a step) use every core.
    """
    if WORKERS < 2 or len(items) < PARALLEL_FROM:
        return fn(items, 0)
    size = -(-len(items) // WORKERS)
    starts = range(0, len(items), size)
    with ThreadPoolExecutor(WORKERS) as pool:
        parts = list(pool.map(fn, [items[i:i + size] for i in starts], starts))
    return [x for part in parts for x in part]


def _to_group(domain: str, label: bytes) -> bytes:
    digest = hashlib.sha512(CONTEXT + b"\x00" + label + b"\x00"
                            + domain.strip().lower().encode("utf-8")).digest()
    return _rbcl().crypto_core_ristretto255_from_hash(digest)


def _to_groups(items: list[tuple[str, bytes]]) -> list[bytes]:
    """H(domain) with each item's label, for many (domain, label) pairs."""
    return _in_parallel(lambda chunk, _start: [_to_group(d, label) for d, label in chunk], items)


def _label(counts_only: bool, bucket_name: str = "") -> bytes:
    return f"counts:{bucket_name}".encode() if counts_only else b"overlap"


def _raise(scalar: bytes, points: Iterable[bytes], path: str | Path, what: str) -> list[bytes]:
    """Each point times the scalar; an invalid point is an error naming the file and position."""
    mult = _rbcl().crypto_scalarmult_ristretto255

    def run(chunk: list[bytes], start: int) -> list[bytes]:
        out = []
        for i, p in enumerate(chunk, start):
            try:
                out.append(mult(scalar, p))
            except (RuntimeError, ValueError, TypeError):
                raise _fail(path, f"{what} {i + 1} is not a valid group element: the file is "
                                  "corrupt or was not written by acctmap") from None
        return out

    return _in_parallel(run, list(points))


def _keys(point: bytes) -> tuple[bytes, int, bytes]:
    """tag, one pad byte, MAC key: one blake2b call over H(x)^k (each key is used once)."""
    out = hashlib.blake2b(point, digest_size=64, person=KDF_PERSON).digest()
    return out[:TAG], out[TAG], out[32:]


def _mac(mac_key: bytes, tag: bytes, ct: int) -> bytes:
    return hashlib.blake2b(tag + bytes([ct]), key=mac_key, digest_size=MAC).digest()


def _entry(point: bytes, value: int) -> bytes:
    tag, pad, mac_key = _keys(point)
    ct = value ^ pad
    return tag + bytes([ct]) + _mac(mac_key, tag, ct)


def _open(point: bytes, table: dict[bytes, bytes], size: int, path: Path) -> int | None:
    """The value the partner's table holds for this point, or None when the tag is not there."""
    tag, pad, mac_key = _keys(point)
    rest = table.get(tag)
    if rest is None:
        return None
    ct, mac = rest[0], rest[1:]
    if not secrets.compare_digest(mac, _mac(mac_key, tag, ct)):
        raise _fail(path, "an entry of the table fails its check: the file was changed")
    value = ct ^ pad
    if value >= size:
        raise _fail(path, "an entry of the table holds an unknown value: the file was changed")
    return value


# --- round files --------------------------------------------------------------------------------


@dataclass
class RoundFile:
    """One round file as read (and checked) from disk."""

    path: Path
    round: int
    exchange: str
    counts_only: bool
    list_size: int
    company: str
    checksum: str
    query: list[bytes] = field(default_factory=list)  # round 1
    table: bytes = b""  # round 1: ENTRY-byte entries
    answers: list[bytes] = field(default_factory=list)  # round 2
    answers_file: str = ""  # round 2: checksum of the round-1 file it answers
    answers_exchange: str = ""  # round 2: exchange id of that file
    own_round1: str = ""  # round 2: checksum of the answerer's own round-1 file


def _checksum(doc: dict[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def _dump(doc: dict[str, Any]) -> bytes:
    doc = dict(doc, checksum=_checksum(doc))
    return (json.dumps(doc, indent=1, ensure_ascii=True) + "\n").encode("ascii")


_ROUND_WORDS = {1: "round-1 file (made by `acctmap psi start`)",
                2: "round-2 file (made by `acctmap psi answer`)"}


def _shown(value: Any) -> str:
    """A value of a partner's file in a message: its repr, cut short (it may be megabytes)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _damaged(path: Path, expected: int, why: str) -> AcctmapError:
    return _fail(path, f"is not a private overlap file, or it is damaged: {why}; expected a "
                       f"{_ROUND_WORDS[expected]}")


# Control and formatting characters (escape sequences, line breaks, bidi overrides, zero-width
# characters), surrogates and private-use characters: none is part of a name a screen may show.
_UNSHOWN = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def company_problem(name: str) -> str:
    """Why a company name cannot go in a round file ("" when it can): it is drawn on the other
    side's screen, where an escape sequence would clear it, set its title or write its clipboard."""
    if len(name) > COMPANY_LIMIT:
        return f"the company name is {len(name):,} characters long (at most {COMPANY_LIMIT})"
    bad = next((ch for ch in name if unicodedata.category(ch) in _UNSHOWN), None)
    if bad is not None:
        return (f"the company name holds a control or formatting character (U+{ord(bad):04X}: "
                "an escape sequence, line break or text-direction override)")
    return ""


_DECLARED_SIZE = re.compile(rb'"list_size"\s*:\s*(\d{1,12})\s*[,}]')


def _b64_len(size: int) -> int:
    return 4 * -(-size // 3)


def _room(data: bytes, expected: int, answers: int | None) -> tuple[int, int] | None:
    """(entries, characters) a round file can hold at most: a round-1 file of its declared list
    size, or a round-2 file of `answers` answers (the larger, so a file of the wrong round is
    told so after parsing); None when that is not known before parsing."""
    if expected == 2 and answers is None:
        return None
    found = _DECLARED_SIZE.search(data)
    entries = int(found[1]) if found else 0
    table = entries * len(BUCKETS) * ENTRY  # counts-only tables are the larger
    room = _b64_len(entries * POINT) + _b64_len(table)
    if expected == 2 and _b64_len(answers * POINT) > room:
        entries, room = answers, _b64_len(answers * POINT)
    return entries, HEADER_ROOM + room


def _bounded(data: bytes, path: Path, expected: int, answers: int | None) -> None:
    """Refuse, before parsing, a file larger than its list size needs or with more values than a
    round file has (`data`: UTF-8): what parsing builds is then bounded by what a round file holds."""
    room = _room(data, expected, answers)
    if room is not None and len(data) > room[1]:
        holds = (f"more than a round file for {room[0]:,} accounts holds" if room[0] else
                 "and declares no list size")
        raise _damaged(path, expected, f"it is {len(data):,} bytes long, {holds}")
    if data.count(b",") > COMMA_LIMIT:
        raise _damaged(path, expected, "it holds more values than a round file has")


def _parse(raw: bytes, path: Path, expected: int, answers: int | None = None) -> dict[str, Any]:
    """The round file's JSON object; a partner's file is hostile by design, so whatever it holds
    is one refusal naming the file, never a traceback."""
    try:
        encoding = json.detect_encoding(raw)  # as json.loads(bytes) decodes it
        if not encoding.startswith("utf-8"):  # UTF-16 or 32: a round file re-saved by an editor
            raw = raw.decode(encoding, "surrogatepass").encode("utf-8", "surrogatepass")
        _bounded(raw, path, expected, answers)  # on the bytes: no decoded copy of junk
        doc = json.loads(raw)
    except UnicodeError:
        raise _damaged(path, expected, "it is not text") from None
    except json.JSONDecodeError as exc:
        raise _damaged(path, expected, f"not JSON at line {exc.lineno}, column {exc.colno} "
                                       f"({exc.msg})") from None
    except ValueError:  # a number over Python's limit of digits (sys.get_int_max_str_digits)
        raise _damaged(path, expected, "it holds a number too long to read") from None
    except RecursionError:
        raise _damaged(path, expected, "it is nested too deep") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _damaged(path, expected, f'it has no "format": "{FORMAT}"')
    # A round file's values are all flat; refusing nesting here also keeps the checksum's
    # json.dumps of the document from recursing (a depth json.loads passed can still be too deep).
    if any(isinstance(value, (dict, list)) for value in doc.values()):
        raise _damaged(path, expected, "a value holds a list or a table")
    return doc


def read_round(path: str | Path, expected: int, answers: int | None = None) -> RoundFile:
    """Read and check a round file: format, version, round, checksum, sizes, ids and company
    name (`answers`: how many answers a round-2 file must hold, when known: it bounds the file)."""
    path = Path(path)
    try:
        raw = read_exchange_file(path, ROUND_FILE_LIMIT, "round file")
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except OSError as exc:
        raise _fail(path, f"cannot read the file: {exc.strerror or exc}") from None
    doc = _parse(raw, path, expected, answers)
    del raw
    if doc.get("version") != VERSION:
        raise _fail(path, f"written by another version of the exchange (version "
                          f"{_shown(doc.get('version'))}; this acctmap speaks version {VERSION})")
    if doc.get("checksum") != _checksum(doc):
        raise _fail(path, "the file is corrupt or was changed after it was written (its checksum "
                          "does not match): ask for the file again")
    rnd = doc.get("round")
    if rnd != expected:
        got = _ROUND_WORDS.get(rnd, f"round {_shown(rnd)}") if isinstance(rnd, int) else _shown(rnd)
        raise _fail(path, f"wrong round: this is a {got}, expected a {_ROUND_WORDS[expected]}")
    try:
        rf = RoundFile(path=path, round=rnd, exchange=str(doc["exchange"]),
                       counts_only=bool(doc["counts_only"]), list_size=int(doc["list_size"]),
                       company=str(doc.get("company", "")), checksum=doc["checksum"])
        if rnd == 1:
            rf.query = _chunks(base64.b64decode(doc["query"], validate=True), POINT)
            rf.table = base64.b64decode(doc["table"], validate=True)
        else:
            rf.answers = _chunks(base64.b64decode(doc["answers"], validate=True), POINT)
            rf.answers_file = str(doc["answers_file"])
            rf.answers_exchange = str(doc["answers_exchange"])
            rf.own_round1 = str(doc["own_round1"])
    except KeyError as exc:
        raise _damaged(path, expected, f"it has no {exc}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # OverflowError: int(1e999)
        raise _damaged(path, expected, str(exc)) from None
    per_item = len(BUCKETS) if rf.counts_only else 1
    sizes_ok = (rnd == 2 or (len(rf.query) == rf.list_size
                             and len(rf.table) == rf.list_size * per_item * ENTRY))
    if not sizes_ok or any(len(p) != POINT for p in rf.query + rf.answers):
        raise _damaged(path, expected, "its sizes do not add up")
    _check_ids(rf, expected)
    if why := company_problem(rf.company):
        raise _fail(path, f"not read: {why}. A name from a partner's file is shown on screen, so "
                          "this file is refused: ask the partner for a file with a plain company "
                          "name (`acctmap psi start` again)")
    return rf


_EXCHANGE_ID = re.compile(r"[0-9a-f]{32}")
_CHECKSUM = re.compile(r"sha256:[0-9a-f]{64}")


def _check_ids(rf: RoundFile, expected: int) -> None:
    """Ids as `start` and `answer` write them (hex): they name secret files and show in messages."""
    ids = [(rf.exchange, _EXCHANGE_ID)]
    if rf.round == 2:
        ids += [(rf.answers_exchange, _EXCHANGE_ID), (rf.answers_file, _CHECKSUM),
                (rf.own_round1, _CHECKSUM)]
    if not all(pattern.fullmatch(value) for value, pattern in ids):
        raise _damaged(rf.path, expected, "an exchange id or checksum is not as acctmap writes it")


def _mode(counts_only: bool) -> str:
    return "a counts-only" if counts_only else "an overlap"


def _same_mode(ours: RoundFile, theirs: RoundFile) -> None:
    if ours.counts_only != theirs.counts_only:
        raise _fail(theirs.path, f"this file is for {_mode(theirs.counts_only)} exchange, but "
                                 f"{ours.path} is for {_mode(ours.counts_only)} one: both sides "
                                 "must run `psi start` the same way (with or without --counts-only)")


# --- the local secret ---------------------------------------------------------------------------


@dataclass
class Secret:
    """What only this side may keep: scalars, its domains in query order, its records."""

    exchange: str
    round1: str  # checksum of the round-1 file this secret belongs to
    r: bytes
    k: bytes
    counts_only: bool
    company: str
    domains: list[str]  # my domains in query order
    records: list[Record]
    source: Source
    left_out: int = 0
    # the one partner round-1 file k answered ("" until `answer`), its company, when (UTC, ISO)
    answered: str = ""
    answered_company: str = ""
    answered_at: str = ""
    finished_at: str = ""  # when `finish` first found the overlap (UTC, ISO): the exchange is over


def secret_path(exchange: str, folder: str | Path | None = None) -> Path:
    return Path(folder or secret_dir()) / f"{exchange}.secret.json"


def _save_secret(sec: Secret, folder: Path) -> Path:
    doc = {"format": SECRET_FORMAT, "version": VERSION, "exchange": sec.exchange,
           "round1": sec.round1, "r": sec.r.hex(), "k": sec.k.hex(),
           "counts_only": sec.counts_only, "company": sec.company, "domains": sec.domains,
           "records": [{**asdict(r), "extra": dict(r.extra)} for r in sec.records],  # a dict, not Extra
           "source": asdict(sec.source),
           "left_out": sec.left_out, "answered": sec.answered,
           "answered_company": sec.answered_company, "answered_at": sec.answered_at,
           "finished_at": sec.finished_at}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise _fail(folder, f"cannot make the folder for local secrets: {exc.strerror or exc}")
    path = secret_path(sec.exchange, folder)
    _write(path, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    return path


def load_secret(round1: RoundFile, folder: str | Path | None = None) -> Secret:
    """The local secret of our round-1 file; a clear error naming the file when it is missing."""
    path = secret_path(round1.exchange, folder)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        sec = Secret(exchange=doc["exchange"], round1=doc["round1"], r=bytes.fromhex(doc["r"]),
                     k=bytes.fromhex(doc["k"]), counts_only=bool(doc["counts_only"]),
                     company=doc["company"], domains=list(doc["domains"]),
                     records=[Record(**r) for r in doc["records"]], source=Source(**doc["source"]),
                     left_out=int(doc.get("left_out", 0)),
                     # a secret from before the record has answered nothing yet
                     answered=str(doc.get("answered", "")),
                     answered_company=str(doc.get("answered_company", "")),
                     answered_at=str(doc.get("answered_at", "")),
                     finished_at=str(doc.get("finished_at", "")))
    except FileNotFoundError:
        raise _fail(round1.path, f"no local secret for this exchange (looked for {path}): is this "
                                 "the round-1 file your own `acctmap psi start` wrote, on this "
                                 "machine, as this user? Without it the exchange cannot go on: "
                                 "start a new one") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _fail(path, f"the local secret for {round1.path} is unreadable ({exc}): start a new "
                          "exchange") from None
    if sec.round1 != round1.checksum or sec.exchange != round1.exchange:
        raise _fail(round1.path, f"the local secret {path} belongs to another round-1 file: this "
                                 "file is not the one `psi start` wrote")
    if why := _damaged_secret(sec, round1):
        raise _fail(path, f"the local secret for {round1.path} is damaged ({why}): start a new "
                          "exchange")
    return sec


def _damaged_secret(sec: Secret, round1: RoundFile) -> str:
    """What is wrong with a secret whose file was edited ("" when nothing): a zero or short
    scalar would end in a traceback or blame the partner's file, a short domain list drop
    accounts from the overlap without a word."""
    for name, scalar in (("r", sec.r), ("k", sec.k)):
        if len(scalar) != POINT or not any(scalar):
            return f"its scalar {name} is not {POINT} bytes, or is zero"
    if len(sec.domains) != round1.list_size:
        return f"it holds {len(sec.domains):,} domains for the {round1.list_size:,} entries"
    if set(sec.domains) - set(owners(sec.records)) - {""}:
        return "a domain of its query has no record"
    return ""


SECRET_LOCK_WAIT = 20.0  # seconds an `answer` waits for another one recording in the same folder


@contextmanager
def _secrets_locked(folder: Path) -> Iterator[None]:
    """Hold the secret folder's lock (POSIX `flock`; elsewhere nothing is held), so two answers
    run at once cannot both find the secret unanswered."""
    with ExitStack() as held:
        try:
            held.enter_context(atomic.folder_lock(folder, SECRET_LOCK_WAIT))
        except TimeoutError:
            raise _fail(folder, "another `acctmap psi answer` keeps the local secrets busy: try "
                                "again when it is done") from None
        except OSError as exc:
            raise _fail(folder, f"cannot lock the folder of local secrets: {exc.strerror or exc}") from exc
        yield


# --- round 1: start -----------------------------------------------------------------------------


@dataclass
class Started:
    path: Path
    secret: Path
    exchange: str
    list_size: int  # the domains that take part: the entries the partner sees counted
    accounts: int  # our accounts they belong to
    left_out: int  # accounts without a domain: they cannot take part
    unknown_status: int
    counts_only: bool


def taking_part(started: Started) -> str:
    """'8 accounts with a domain take part (9 domains: each domain of a website cell is an
    entry)': what both sides then see as our list's size."""
    domains = (f" ({started.list_size:,} domains: each domain of a website cell is an entry, "
               "and the partner sees their number as our list's size)"
               if started.list_size != started.accounts else "")
    return f"{started.accounts:,} accounts with a domain take part{domains}"


UNKNOWN_STATUS = "unknown status "  # how ingest's problem for a status word begins


def unknown_status_note(lst: AccountList, how: str) -> str:
    """The status words of our accounts taking part that acctmap does not know, and how to map
    them (`how`: where, e.g. "with --status WORD=STATUS"); "" when there are none. Their status
    goes to the partner as "unknown" for good: a mapping made after the exchange is ours only."""
    words = sorted({r.raw_status for r in lst.records
                    if r.domain and not r.hashed and r.status is None and r.raw_status},
                   key=str.casefold)
    if not words:
        return ""
    more = f" and {len(words) - 5:,} more" if len(words) > 5 else ""
    return (f"Status words acctmap does not know: {', '.join(map(quoted, words[:5]))}{more}. "
            "Their accounts go to the partner with status unknown, and mapping a word after the "
            f"exchange changes our side only: map them {how} (STATUS one of "
            f"{', '.join(STATUSES)}) and write a new round-1 file before you send one.")


def list_problems(lst: AccountList, limit: int = 10) -> list[str]:
    """Our list's problems a start shows, the unknown status words left to
    `unknown_status_note` (ingest's own words tell to map them after loading)."""
    return [str(p) for p in lst.problems if not p.message.startswith(UNKNOWN_STATUS)][:limit]


def owners(records: Iterable[Record]) -> dict[str, Record]:
    """Every domain of these accounts, each once, and the account it belongs to: the one whose
    domain it is, else the first whose website cell also names it ("acme.com, acme.de"). Each is
    an entry of the exchange, as `acctmap match` joins on each."""
    records = list(records)
    owner = {rec.domain: rec for rec in reversed(records) if rec.domain}  # the first wins
    for rec in records:
        for domain in rec.other_domains:
            owner.setdefault(domain, rec)
    return owner


def _shuffled(items: list[Any]) -> list[Any]:
    items = list(items)
    random.SystemRandom().shuffle(items)
    return items


def _exchange_in_progress(out: Path, folder: Path) -> None:
    """Refuse to write a round-1 file over one whose exchange is not finished on this machine:
    the partner's answer would then answer a file no longer there, and the exchange is lost."""
    if not out.is_file():
        return
    try:
        earlier = read_round(out, 1)
    except AcctmapError:  # not a round-1 file: `check_output` decides
        return
    secret = secret_path(earlier.exchange, folder)
    try:
        finished = json.loads(secret.read_text(encoding="utf-8")).get("finished_at")
    except FileNotFoundError:  # not ours, or its secret was deleted: that exchange cannot go on
        return
    except (OSError, ValueError, AttributeError):  # a secret that is there but unreadable
        finished = ""
    if not finished:
        raise _fail(out, "holds the round-1 file of an exchange not finished yet (its local "
                         f"secret is {secret}): writing over it would lose that exchange. Name "
                         f"another file, e.g. {atomic.free_path(out)}; if that exchange is over, delete "
                         f"{out.name} first")


def start(lst: AccountList, out: str | Path, *, counts_only: bool = False, company: str = "",
          folder: str | Path | None = None) -> Started:
    """Write our round-1 file and keep the secret locally (fresh secrets on every call)."""
    out = check_output(out, lst.path)
    if why := company_problem(company):
        raise _fail(out, f"not written: {why}; give the name without it")
    folder = Path(folder or secret_dir())
    _exchange_in_progress(out, folder)
    if lst.hashed:
        raise _fail(lst.path, "is a keyed-hash list: start the private exchange from your own "
                              "plain list")
    records = [r for r in lst.records if r.domain and not r.hashed]
    if not records:
        raise _fail(lst.path, "no account with a usable domain: the private exchange matches on "
                              "registrable domains only")
    entries = _shuffled(list(owners(records).items()))  # the query order
    r = _rbcl().crypto_core_ristretto255_scalar_random()
    k = _rbcl().crypto_core_ristretto255_scalar_random()
    if counts_only:
        names = {b: name for name, b in BUCKETS}
        query_points = _to_groups([(domain, _label(True, names[bucket(rec.status)]))
                                   for domain, rec in entries])
        table_items, values = [], []
        for domain, rec in entries:
            for name, as_status in BUCKETS:
                cat = categorize(as_status, rec.status)  # the querier's view: querier = "ours"
                table_items.append((domain, _label(True, name)))
                values.append(CATEGORY_VALUES.index(cat.key if cat else None))
        table_points = _to_groups(table_items)
    else:
        query_points = _to_groups([(domain, _label(False)) for domain, _ in entries])
        table_points = query_points
        values = [STATUS_VALUES.index(rec.status) for _, rec in entries]
    query = _raise(r, query_points, lst.path, "domain")
    keyed = _raise(k, table_points, lst.path, "domain")
    table = _shuffled([_entry(p, value) for p, value in zip(keyed, values)])
    exchange = secrets.token_hex(16)
    doc = {"format": FORMAT, "version": VERSION, "round": 1, "exchange": exchange,
           "counts_only": counts_only, "list_size": len(entries), "company": company,
           "query": _b64(b"".join(query)), "table": _b64(b"".join(table))}
    data = _dump(doc)
    source = source_of(lst)
    if company:
        source.company = company
    sec = Secret(exchange=exchange, round1=json.loads(data)["checksum"], r=r, k=k,
                 counts_only=counts_only, company=company or lst.company,
                 domains=[domain for domain, _ in entries], records=records, source=source,
                 left_out=len(lst.records) - len(records))
    secret = _save_secret(sec, folder)
    _write(out, data)
    return Started(out, secret, exchange, len(entries), len(records), sec.left_out,
                   sum(1 for rec in records if rec.status is None), counts_only)


# --- round 2: answer ----------------------------------------------------------------------------


@dataclass
class Answered:
    path: Path
    partner_size: int
    partner_company: str
    list_size: int
    again: bool = False  # this exchange had answered this same file before (a re-send)


@dataclass
class PartnerList:
    """The partner's round-1 file as `answer` sees it before computing or recording anything."""

    path: Path
    company: str
    size: int  # the partner's domains: the entries our answer tests
    our_size: int
    again: bool  # this exchange answered this same file before: answering tells nothing new

    @property
    def who(self) -> str:
        return self.company or "the partner"

    @property
    def out_of_proportion(self) -> bool:
        return self.size > SIZE_RATIO * self.our_size

    def unexpected(self, expect_size: int | None) -> str:
        """Why this size is not answered without a confirmation ("" when it is answered)."""
        if self.again:
            return ""
        if expect_size is not None:
            return f"more than the {expect_size:,} you expect" if self.size > expect_size else ""
        return f"more than {SIZE_RATIO} times ours" if self.out_of_proportion else ""


class SizeNotExpected(AcctmapError):
    """A partner list of a size not confirmed: nothing was answered or recorded."""

    def __init__(self, partner: PartnerList, why: str) -> None:
        super().__init__(Problem(str(partner.path), None, None,
                                 f"not answered: {partner.who}'s list has {partner.size:,} "
                                 f"domains, ours {partner.our_size:,}: {why}. A "
                                 "partner can put guessed domains on its own list to test them "
                                 "against ours. Nothing was answered or recorded: check that size "
                                 "with your partner, and answer only if it is what you expect",
                                 "error"))
        self.partner = partner


class AlreadyAnswered(AcctmapError):
    """A second partner round-1 file for one exchange. `unnamed` is the same refusal without the
    other partner's name: the share-safe view's words (other partnerships stay off that screen)."""

    def __init__(self, message: str, unnamed: str) -> None:
        super().__init__(message)
        self.unnamed = unnamed


def _check_pair(ours: RoundFile, theirs: RoundFile) -> None:
    if theirs.exchange == ours.exchange:
        raise _fail(theirs.path, f"this is your own round-1 file (same exchange as {ours.path}): "
                                 "give the file your partner sent")
    _same_mode(ours, theirs)


def _short(checksum: str) -> str:
    return checksum.removeprefix("sha256:")[:12]


def _one_answer(sec: Secret, mine: RoundFile, theirs: RoundFile) -> None:
    """Refuse a partner round-1 file other than the one our k answered: each further answer
    would tell the partner which of another batch of guessed domains are on our list."""
    if not sec.answered or sec.answered == theirs.checksum:
        return
    try:
        when = datetime.fromisoformat(sec.answered_at).strftime(" on %Y-%m-%d at %H:%M UTC")
    except ValueError:
        when = ""

    def refusal(who: str) -> str:
        return str(_fail(theirs.path, f"not answered: this exchange ({mine.path}) already "
                                      f"answered {who} round-1 file {_short(sec.answered)}{when}, "
                                      f"and this is another file ({_short(theirs.checksum)}). One "
                                      "exchange answers one file: answering another would let "
                                      "the partner test more guessed domains against our list. "
                                      "If the partner really sent a wrong file, both sides start "
                                      "a new exchange (`acctmap psi start` again: fresh secrets) "
                                      "and swap the new round-1 files; a round-1 file is for one "
                                      "partner: start one exchange per partner"))

    named = sec.answered_company and not company_problem(sec.answered_company)
    unnamed = refusal("a partner's")
    raise AlreadyAnswered(refusal(f"{sec.answered_company}'s") if named else unnamed, unnamed)


def _record_answer(mine: RoundFile, theirs: RoundFile, folder: Path) -> bool:
    """Check again and record in our secret which file k answers, before the answer is written
    (a kill after this leaves the same file answerable); True when it was recorded before."""
    with _secrets_locked(folder):
        sec = load_secret(mine, folder)  # as it is now: another answer may have recorded since
        _one_answer(sec, mine, theirs)
        if sec.answered:
            return True
        sec.answered, sec.answered_company = theirs.checksum, theirs.company
        sec.answered_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        _save_secret(sec, folder)
    return False


def answer(ours1: str | Path, theirs1: str | Path, out: str | Path, *,
           folder: str | Path | None = None, expect_size: int | None = None,
           seen: Callable[[PartnerList], object] | None = None) -> Answered:
    """Write our round-2 file: the partner's query raised to our secret k.

    Before anything is computed or recorded, `seen` is shown the partner's company and list size,
    and a list more than SIZE_RATIO times ours (or, with `expect_size`, larger than that) is
    refused with SizeNotExpected. Our k answers one partner round-1 file only (recorded in the
    local secret); that same file can be answered again (a lost round-2 file), any other is refused.
    """
    out = check_output(out, ours1, theirs1)
    folder = Path(folder or secret_dir())
    mine, theirs = read_round(ours1, 1), read_round(theirs1, 1)
    sec = load_secret(mine, folder)
    _check_pair(mine, theirs)
    _one_answer(sec, mine, theirs)  # before the work; _record_answer decides
    partner = PartnerList(theirs.path, theirs.company, theirs.list_size, mine.list_size,
                          again=sec.answered == theirs.checksum)
    if seen is not None:
        seen(partner)
    if why := partner.unexpected(expect_size):
        raise SizeNotExpected(partner, why)
    answers = _raise(sec.k, theirs.query, theirs.path, "entry")
    if mine.counts_only:
        answers = _shuffled(answers)  # counts only: no answer can be linked back to an item
    doc = {"format": FORMAT, "version": VERSION, "round": 2, "exchange": mine.exchange,
           "counts_only": mine.counts_only, "list_size": mine.list_size, "company": mine.company,
           "answers_file": theirs.checksum, "answers_exchange": theirs.exchange,
           "own_round1": mine.checksum, "answers": _b64(b"".join(answers))}
    data = _dump(doc)
    again = _record_answer(mine, theirs, folder)  # a corrupt file (above) records nothing
    _write(out, data)
    return Answered(out, theirs.list_size, theirs.company, mine.list_size, again)


# --- finish ---------------------------------------------------------------------------------


@dataclass
class Finished:
    """What the exchange revealed to us: the session (overlap mode) or the counts (counts-only)."""

    counts_only: bool
    ours: str
    partner: str
    our_size: int  # our domains that took part (every domain of an account's cell)
    partner_size: int
    left_out: int
    counts: dict[str, int]  # category key (or "uncategorized") -> overlapping accounts
    overlap: int
    day: date
    session: Session | None = None
    our_source: Source | None = None
    notes: list[str] = field(default_factory=list)
    files: tuple[Path, ...] = ()  # our round 1, their rounds 1 and 2, our list: never written over
    secret: Path | None = None  # our local secret, kept to finish again (the overlap's records only)


def _check_answer(mine: RoundFile, theirs1: RoundFile, theirs2: RoundFile) -> None:
    if theirs2.exchange == mine.exchange:
        raise _fail(theirs2.path, f"this is your own round-2 file (same exchange as {mine.path}): "
                                  "give the round-2 file your partner sent")
    _same_mode(mine, theirs2)
    if theirs2.answers_file != mine.checksum:
        raise _fail(theirs2.path, f"answers another round-1 file, not {mine.path}: it belongs "
                                  "to another exchange (ask your partner to run `psi answer` on "
                                  "your current round-1 file)")
    if theirs2.own_round1 != theirs1.checksum or theirs2.exchange != theirs1.exchange:
        raise _fail(theirs2.path, f"was made with another round-1 file than {theirs1.path}: it "
                                  "belongs to another exchange (use the round-1 and round-2 "
                                  "files of the same partner exchange)")
    if len(theirs2.answers) != mine.list_size:
        raise _fail(theirs2.path, f"holds {len(theirs2.answers)} answers for the "
                                  f"{mine.list_size} entries of {mine.path}: the file is corrupt")


def _table(rf: RoundFile) -> dict[bytes, bytes]:
    return {e[:TAG]: e[TAG:] for e in _chunks(rf.table, ENTRY)}


def finish(ours1: str | Path, theirs1: str | Path, theirs2: str | Path, *,
           ours_name: str | None = None, partner_name: str | None = None,
           folder: str | Path | None = None, day: date | None = None) -> Finished:
    """Unblind the partner's answers and look our domains up in their table."""
    folder = Path(folder or secret_dir())
    mine = read_round(ours1, 1)
    sec = load_secret(mine, folder)
    theirs = read_round(theirs1, 1)
    _check_pair(mine, theirs)
    theirs_answer = read_round(theirs2, 2, answers=mine.list_size)
    _check_answer(mine, theirs, theirs_answer)
    r_inv = _rbcl().crypto_core_ristretto255_scalar_invert(sec.r)
    points = _raise(r_inv, theirs_answer.answers, theirs_answer.path, "answer")
    table = _table(theirs)
    size = len(CATEGORY_VALUES if sec.counts_only else STATUS_VALUES)
    found = [_open(p, table, size, theirs.path) for p in points]
    ours = ours_name or sec.company
    partner = partner_name or theirs.company or "Partner"
    day = day or date.today()
    result = Finished(counts_only=sec.counts_only, ours=ours, partner=partner,
                      our_size=mine.list_size, partner_size=theirs.list_size,
                      left_out=sec.left_out, counts={}, overlap=0, day=day, our_source=sec.source,
                      files=(mine.path, theirs.path, theirs_answer.path,
                             *([Path(sec.source.path)] if sec.source.path else [])))
    result.counts = {c.key: 0 for c in CATEGORIES} | {UNCATEGORIZED: 0}
    if sec.counts_only:
        for value in found:
            if value is not None:
                result.counts[CATEGORY_VALUES[value] or UNCATEGORIZED] += 1
        result.overlap = sum(result.counts.values())
    else:
        result.session = _session(sec, found, ours, partner, theirs, day)
        for account in result.session.accounts:
            result.counts[account.category or UNCATEGORIZED] += 1
        result.overlap = len(result.session.accounts)
    if _record_finish(mine, folder, found):
        result.secret = secret_path(mine.exchange, folder)
    result.notes = _notes(result)
    return result


def _record_finish(mine: RoundFile, folder: Path, found: list[int | None]) -> bool:
    """Note in our secret that the exchange is over (`start` may then write a new round-1 file
    over this one), and keep in it only what finishing again needs: the domains found and, in
    the overlap mode, their accounts' records (the session's); the rest of our list goes. False
    when it could not be written (a read-only folder): then it is as it was."""
    try:
        with _secrets_locked(folder):
            sec = load_secret(mine, folder)
            sec.finished_at = sec.finished_at or datetime.now(timezone.utc).isoformat(
                timespec="seconds")
            sec.domains = [d if value is not None else "" for d, value in zip(sec.domains, found)]
            kept = set() if sec.counts_only else {id(r) for r, _, _ in _found_accounts(sec, found)}
            sec.records = [rec for rec in sec.records if id(rec) in kept]  # in order: see owners
            _save_secret(sec, folder)
    except AcctmapError:
        return False
    return True


def _session(sec: Secret, found: list[int | None], ours: str, partner: str, theirs: RoundFile,
             day: date) -> Session:
    accounts = [Account(ours=rec, theirs=Record(name="", domain=domain,
                                                status=STATUS_VALUES[value]),
                        match=MatchInfo(PSI, 100.0, AUTO))
                for rec, domain, value in _found_accounts(sec, found)]
    accounts.sort(key=lambda a: (a.ours.name.casefold(), a.key))
    source = Source(**asdict(sec.source))
    source.company = ours
    # our list as the partner's session counts it, its domains that took part: one size on both
    # screens (an account with two domains in its website cell is two entries)
    source.accounts = len(sec.domains)
    partner_source = Source(side=PARTNER, company=partner, path=str(theirs.path),
                            sha256=theirs.checksum.removeprefix("sha256:"),
                            rows=theirs.list_size, accounts=theirs.list_size,
                            columns={"domain": "", "status": ""}, hashed=True)
    session = Session(ours=ours, partner=partner, date=day, sources=[source, partner_source],
                      title=f"{ours} x {partner} — {quarter(day)} mapping (private overlap)",
                      accounts=accounts)
    session.fields = default_field_policy(session)
    apply_categories(session)
    rescore(session)
    return session


def _found_accounts(sec: Secret, found: list[int | None]) -> list[tuple[Record, str, int]]:
    """Each of our accounts in the overlap once, with the domain it was found by and the
    partner's value for it: its own domain when that was found, else the first other one."""
    owner = owners(sec.records)
    out: dict[int, tuple[Record, str, int]] = {}  # by id: records are not hashable
    for domain, value in zip(sec.domains, found):
        if value is None or not domain:
            continue
        rec = owner[domain]
        if id(rec) not in out or domain == rec.domain:
            out[id(rec)] = (rec, domain, value)
    return list(out.values())


def _notes(f: Finished) -> list[str]:
    notes = [
        "matched by private set intersection on registrable domains only: fuzzy name matching "
        "is impossible (neither side sees the other's names or non-overlapping domains)",
        f"{f.partner}'s list: {f.partner_size:,} domains; ours: {f.our_size:,} (each domain of an "
        "account's website cell takes part). A partner can put guessed domains on its own list "
        "to test them: compare its size with what you expect",
    ]
    if f.left_out:
        notes.append(f"{f.left_out:,} of our accounts had no domain and could not take part, and "
                     "are not counted in our list's size here")
    if f.secret is not None:
        notes.append(f"our local secret for this exchange, {f.secret}, now keeps only what "
                     "finishing it again needs (no record outside the overlap): delete it when "
                     "you will not finish this exchange again")
    if f.counts_only:
        notes.append("counts-only exchange: neither side learns which accounts overlap, so an "
                     "account found by two of its domains counts twice")
    return notes


def counts_toml(f: Finished) -> str:
    """The per-category counts of a counts-only exchange as a small TOML document."""
    import tomli_w

    doc = {"kind": "acctmap private overlap counts", "ours": f.ours, "partner": f.partner,
           "date": f.day, "list_sizes": {OURS: f.our_size, PARTNER: f.partner_size},
           "overlap": f.overlap, "per_category": dict(f.counts)}
    return tomli_w.dumps(doc)


def write_counts(f: Finished, path: str | Path) -> Path:
    path = check_output(path, *f.files)
    _write(path, counts_toml(f).encode("utf-8"))
    return path
