from django.conf import settings


def test_settings_are_production_like_in_tests():
    assert settings.DEBUG is False
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.LANGUAGE_CODE == "id"
    assert settings.USE_I18N and settings.USE_TZ
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True
