"""Process-wide fixtures: the garbage collector as one test process hosting hundreds of apps needs it.

The app freezes every live object after loading a session (`bulk.keep_out_of_collector`: they live
as long as the app runs). In a test process the next test's app is another app: left frozen, each
test's garbage would stay for good. Each test starts as a fresh process would: nothing frozen.

Full collections are made at known points instead of every ten young ones: after each test that ran
an app (see tests/ui/conftest.py). The young generations are collected as usual.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from acctmap_tui.core import parse_cache
from acctmap_tui.core.bulk import release_to_collector

# No test keeps parsed sessions in the user's cache folder (tests/core/test_parse_cache.py names
# a folder of its own)
os.environ[parse_cache.ENV] = "off"

# A full collection walks every live object (a second or more per Pilot test in a worker that has
# run a hundred); an app's widgets are garbage only once its test ends, so one collection then frees
# them at the same cost as the two or three automatic ones during the test.
FULL_COLLECTION_EVERY = 100  # young (gen-1) collections, instead of 10


@pytest.fixture(autouse=True, scope="session")
def fewer_full_collections() -> Iterator[None]:
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))
    yield
    gc.set_threshold(young, middle, full)


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """No test writes a private exchange's local secret to the user's data folder: each test has
    a data folder of its own (created when something is written there)."""
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def nothing_frozen_after_the_test() -> Iterator[None]:
    yield
    release_to_collector()


@pytest.fixture
def policies_made(monkeypatch: pytest.MonkeyPatch) -> list:
    """Each SharePolicy made from now on, by the session it was made for (the core's report and
    the Compare screens each ask for one per drawing)."""
    from acctmap_tui.core import sharing

    made: list = []
    init = sharing.SharePolicy.__init__

    def counted(self, session) -> None:
        made.append(session)
        init(self, session)

    monkeypatch.setattr(sharing.SharePolicy, "__init__", counted)
    return made
