"""Static files as a server collects them: the manifest storage of production settings."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from pytest_django import Settings as SettingsWrapper

# Production uses whitenoise's CompressedManifestStaticFilesStorage: the same manifest step, plus
# compression (20 s more here, and not what this test is about).
MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


def test_collectstatic_with_the_production_storage_finds_every_referenced_file(
    settings: SettingsWrapper, tmp_path: Path
) -> None:
    # The manifest storage rewrites url(...) and sourceMappingURL references and fails on a
    # referenced file that is missing (swagger-ui.css names swagger-ui.css.map).
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text(encoding="utf-8")
    for name in ("vendor/htmx.min.js", "vendor/echarts.min.js", "vendor/swagger-ui/swagger-ui.css"):
        assert f'"{name}"' in manifest
