"""The model-permission backend, kept to what django-rules does not answer.

Django asks each backend in turn until one says yes. A permission registered with django-rules
(kaohe/accounts/roles.py and the apps' rules) is decided by its rule alone; asking Django's model
backend after a "no" would only load the user's and their groups' model permissions (two
queries on every page whose header checks a permission the user lacks) to find nothing. Model
permissions of the admin site (``<app>.change_<model>``) still go to Django's backend.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from rules.permissions import perm_exists


class ModelPermissionBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if perm_exists(perm):  # type: ignore[no-untyped-call]  # rules is untyped
            return False  # django-rules answered it (rules.permissions.ObjectPermissionBackend)
        return super().has_perm(user_obj, perm, obj)
