from django.conf import settings
from django.template import Context, Template
from django.utils import translation


def test_settings_are_production_like_in_tests():
    assert settings.DEBUG is False
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.LANGUAGE_CODE == "id"
    assert settings.USE_I18N and settings.USE_TZ
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True


def test_ids_in_templates_are_never_grouped_like_numbers():
    """Regression: with thousand separators on, question 1097's card id became "q-1.097" and broke
    every htmx save once the database had more than 999 questions (seen late in a CI run)."""

    with translation.override("id"):
        html = Template('<div id="q-{{ pk }}" data-max-bytes="{{ size }}">{{ score|floatformat:2 }}</div>').render(
            Context({"pk": 1097, "size": 20971520, "score": 87.5}))
    assert html == '<div id="q-1097" data-max-bytes="20971520">87,50</div>'
