"""The Textual internals the test fixtures use (tests/ui/conftest.py): a Textual upgrade that
changes them fails here by name, not as slow or odd tests elsewhere."""

import inspect

from textual._styles_cache import StylesCache
from textual.css.stylesheet import Stylesheet


def test_the_stylesheet_still_parses_rules_the_way_the_css_fixture_wraps():
    parameters = list(inspect.signature(Stylesheet._parse_rules).parameters)
    assert parameters == ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]
    assert isinstance(Stylesheet()._variables, dict)


def test_the_styles_cache_is_still_an_lru_cache_the_fixture_can_empty():
    assert callable(StylesCache.get_inner_outer.cache_clear)
