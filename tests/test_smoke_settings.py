from django.conf import settings


def test_settings_are_production_like():
    assert settings.DEBUG is False
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.LANGUAGE_CODE == "id"
