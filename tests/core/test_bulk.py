"""A job in a second process beside this one (`bulk.beside`)."""

import pytest

from acctmap_tui.core import bulk


def test_both_results_come_back():
    assert bulk.beside(lambda: "here", divmod, 7, 2) == ("here", (3, 1))


def test_an_error_in_the_second_process_is_raised_here():
    with pytest.raises(ValueError, match="not a number"):
        bulk.beside(lambda: None, int, "not a number")


def test_an_error_here_is_raised_here():
    def fails():
        raise KeyError("here")

    with pytest.raises(KeyError):
        bulk.beside(fails, divmod, 7, 2)
