"""TOML text for session files: a direct writer for plain documents, and the parser it pairs with.

The writer takes what session.py builds (dicts, lists, strings, numbers, booleans, dates and
datetimes) and writes it the way tomli-w does: a table's plain values first, then its sub-tables
and arrays of tables (`[[accounts]]`) in order. A value wrapped with `inline()` is written on one
line when that line is short (`extra = { Industry = "Retail" }`, `rows = [12, 40]`), otherwise as
a table or a multi-line array. A string with a line break (and no carriage return) is written as a
multi-line string, so notes stay readable in a diff.

It exists for speed: tomli-w spends most of a 50,000-account save escaping strings one character at
a time; here a string needing no escape (nearly all of them) is copied as is, and the rest are
escaped by the json module's C encoder (JSON's escapes are all valid TOML).

session.py writes its [[accounts]] tables itself (there are tens of thousands, all alike) from
the pieces below (`string`, `key`, `one_line`, `value`, `table`), in the layout `dumps` gives.

Reading uses tomli (the compiled build of the standard library's tomllib parser) when installed.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from typing import Any

try:
    import tomli as _parser
except ImportError:  # pragma: no cover - tomli is a dependency; the standard parser still works
    import tomllib as _parser

TOMLDecodeError = _parser.TOMLDecodeError
PARSER = f"{_parser.__name__} {getattr(_parser, '__version__', '')}"  # which parser and version reads
INLINE_MAX = 100  # a one-line array or table longer than this is written out in full
INDENT = "    "

_NEEDS_ESCAPE = re.compile(r'[\x00-\x08\x0a-\x1f"\\\x7f]')
_needs_escape = _NEEDS_ESCAPE.search
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text (raises TOMLDecodeError, also for a whole number too long to read)."""
    try:
        return _parser.loads(text)
    except TOMLDecodeError:
        raise
    except ValueError as exc:  # Python's limit on the digits of an int read from text
        raise _number_too_long(text) from exc


def _number_too_long(text: str) -> TOMLDecodeError:
    """The parser's error for the first whole number over Python's digit limit (the parser
    gives none: Python refuses the conversion, which takes time quadratic in the digits)."""
    limit = sys.get_int_max_str_digits() or 4300
    found = re.search(r"(?:^|[=\[,{])[ \t\r\n]*([+-]?[0-9](?:_?[0-9]){%d,})" % limit, text, re.M)
    message = f"a whole number of more than {limit:,} digits: too large to read"
    return TOMLDecodeError(message, text, found.start(1) if found else 0)


class Inline:
    """A value to write on one line when it fits (see `inline`)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def inline(value: Any) -> Inline:
    """Mark a small array or table to be written on one line when it fits in `INLINE_MAX`."""
    return Inline(value)


def dumps(doc: dict[str, Any]) -> str:
    """A document (a dict of plain values, see the module docstring) as TOML text."""
    out: list[str] = []
    _table(doc, "", False, out)
    return "".join(out)


# --- pieces, for a writer that lays out a table it knows itself (session.py's accounts) ---------


def string(text: str) -> str:
    """`text` as a TOML string value, as `dumps` writes a table's plain value (multi-line when it
    holds a line break and no carriage return)."""
    if _needs_escape(text) is None:
        return '"' + text + '"'
    return _string(text)


def key(name: str) -> str:
    """A key as written: bare when it can be, else quoted."""
    return _KEYS.get(name) or _key(name)


def one_line(value: Any) -> str | None:
    """An array or table on one line as `inline()` writes it; None when it does not fit in
    `INLINE_MAX` (then write it with `value` or `table`, as `dumps` does)."""
    text = _one_line(value)
    return text if text is not None and len(text) <= INLINE_MAX else None


def value(v: Any) -> str:
    """A plain value (not a table) as `dumps` writes it after `key = `; arrays on several lines."""
    if isinstance(v, str):
        return string(v)
    if isinstance(v, (list, tuple)):
        return _array(v, 0)
    text = _scalar(v)
    if text is None:
        raise TypeError(f"a value of type {type(v).__name__} is written as a table")
    return text


def table(doc: dict[str, Any], name: str) -> str:
    """A table as `dumps` writes `[name]` and what it holds (sub-tables after a blank line)."""
    out: list[str] = []
    _table(doc, name, False, out)
    return "".join(out)


# --- strings and keys -----------------------------------------------------------------------------


def _escaped(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def basic_string(text: str) -> str:
    """`text` as a one-line TOML basic string."""
    if _NEEDS_ESCAPE.search(text) is None:
        return '"' + text + '"'
    return _escaped(text)


def _string(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return '"' + text + '"'
    if "\n" in text and "\r" not in text:
        return '"""\n' + "\n".join(_escaped(line)[1:-1] for line in text.split("\n")) + '"""'
    return _escaped(text)


_KEYS: dict[str, str] = {}  # formatted keys: a session repeats a few dozen names


def _key(key: str) -> str:
    text = _KEYS.get(key)
    if text is None:
        if not isinstance(key, str):
            raise TypeError(f"a TOML key must be text, got {type(key).__name__}")
        text = key if _BARE_KEY.fullmatch(key) else basic_string(key)
        if len(_KEYS) < 4096:
            _KEYS[key] = text
    return text


# --- values -----------------------------------------------------------------------------------


def _scalar(value: Any) -> str | None:
    """One plain value; None for arrays and tables."""
    if isinstance(value, str):
        return _string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return str(value)
    if isinstance(value, (list, tuple, dict, Inline)):
        return None
    raise TypeError(f"a value of type {type(value).__name__} cannot be written to TOML")


def _one_line(value: Any) -> str | None:
    """A value on one line (strings escaped, never multi-line); None when it cannot be."""
    kind = type(value)
    if kind is str:
        return '"' + value + '"' if _needs_escape(value) is None else _escaped(value)
    if kind is int or kind is float:
        return str(value)
    if kind is Inline:
        value = value.value
        kind = type(value)
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if all(type(v) is int for v in value):  # rows = [12, 40]: most arrays of a session
            return "[" + ", ".join(map(str, value)) + "]"
        items = [_one_line(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if kind is dict:
        if not value:
            return "{}"
        items = []
        keys = _KEYS
        for k, v in value.items():
            if type(v) is str and _needs_escape(v) is None:
                text = '"' + v + '"'
            else:
                text = _one_line(v)
                if text is None:
                    return None
            items.append((keys.get(k) or _key(k)) + " = " + text)
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, str):
        return basic_string(value)
    return _scalar(value)


def _array(values: list | tuple, level: int) -> str:
    """A multi-line array of plain values or arrays, as tomli-w writes it."""
    if not values:
        return "[]"
    pad = INDENT * (level + 1)
    items = []
    for v in values:
        if isinstance(v, Inline):
            v = v.value
        if isinstance(v, (list, tuple)):
            items.append(pad + _array(v, level + 1))
        elif isinstance(v, dict):
            text = _one_line(v)
            if text is None:
                raise TypeError("a table inside an array of plain values cannot be written")
            items.append(pad + text)
        else:
            items.append(pad + _scalar(v))  # type: ignore[operator]
    return "[\n" + ",\n".join(items) + ",\n" + INDENT * level + "]"


def _is_tables(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(table: dict[str, Any], name: str, in_array: bool, out: list[str]) -> None:
    # Written for speed (a 50,000-row session has ~70,000 tables): one string per table.
    plain: list[str] = []
    subtables: list[tuple[str, dict[str, Any], bool]] = []
    keys = _KEYS
    for k, v in table.items():
        key = keys.get(k) or _key(k)
        kind = type(v)
        if kind is str:  # most values: no escape needed, no line break
            plain.append(f'{key} = "{v}"\n' if _needs_escape(v) is None else
                         f"{key} = {_string(v)}\n")
            continue
        if kind is Inline:
            text = _one_line(v.value)
            if text is not None and len(text) <= INLINE_MAX:
                plain.append(f"{key} = {text}\n")
                continue
            v = v.value
        elif kind is int or kind is float:
            plain.append(f"{key} = {v!s}\n")
            continue
        if isinstance(v, dict):
            subtables.append((k, v, False))
        elif _is_tables(v):
            subtables.extend((k, t, True) for t in v)
        elif isinstance(v, (list, tuple)):
            plain.append(f"{key} = {_array(v, 0)}\n")
        else:
            plain.append(f"{key} = {_scalar(v)}\n")
    written = False
    if in_array or (name and (plain or not subtables)):
        out.append(f"[[{name}]]\n" if in_array else f"[{name}]\n")
        written = True
    if plain:
        out.append("".join(plain))
        written = True
    for k, sub, sub_in_array in subtables:
        if written:
            out.append("\n")
        written = True
        _table(sub, f"{name}.{_key(k)}" if name else _key(k), sub_in_array, out)
