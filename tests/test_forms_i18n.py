"""WTForms' own messages follow the reader's language, from catalogs loaded once per process."""

from flask_babel import refresh

from campaign.core.forms import Form, _wtforms_translations


def _message(app, language: str) -> str:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        refresh()  # the test's app context outlives each request: forget its locale
        return Form.Meta().get_translations(Form()).gettext("Not a valid choice.")


def test_wtforms_messages_are_translated_and_the_catalog_is_loaded_once(app):
    _wtforms_translations.cache_clear()
    assert _message(app, "en") == "Not a valid choice."
    assert _message(app, "ru") == "Неверный вариант."
    assert _message(app, "ru") == "Неверный вариант."
    assert _wtforms_translations.cache_info().misses == 2
