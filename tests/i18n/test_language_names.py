"""The switcher's language names come from a small table; it must say what Babel says."""

from babel import Locale

from campaign.core.i18n import NATIVE_NAMES, language_name


def test_the_table_matches_babel():
    for code, name in NATIVE_NAMES.items():
        babel = Locale.parse(code).get_display_name(code)
        assert name == babel[:1].upper() + babel[1:]


def test_other_languages_still_come_from_babel():
    assert language_name("de") == "Deutsch"
    assert language_name("xx-nonsense") == "xx-nonsense"
