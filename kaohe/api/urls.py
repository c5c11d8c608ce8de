"""Mounted by config/urls.py at ``api/v1/`` (namespace ``api``)."""

from __future__ import annotations

from kaohe.api.main import api

app_name = "api"
urlpatterns = api.urls[0]
