"""``manage.py kaohe_token create USER NAME [--days N]`` (the token is printed once),
``kaohe_token list [USER]``, ``kaohe_token revoke ID``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.accounts.models import User
from kaohe.api.models import ApiToken
from kaohe.api.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list and revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="a new token for USER, printed once")
        create.add_argument("user", help="user name")
        create.add_argument("name", help="what the token is for, e.g. 'OA system'")
        create.add_argument(
            "--days", type=int, default=365, help="valid for this many days (0: until revoked)"
        )
        listing = verbs.add_parser("list", help="tokens (of USER), without their secret")
        listing.add_argument("user", nargs="?")
        revoke = verbs.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "create":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"there is no user {options['user']!r}")
            days = options["days"]
            if days < 0:
                raise CommandError("--days must be 0 (until revoked) or more")
            new = api_token_create(user=user, name=options["name"], days=days or None)
            until = f"until {new.token.expires:%Y-%m-%d}" if new.token.expires else "until revoked"
            self.stdout.write(f"token {new.token.pk} for {user.username}, valid {until}:")
            self.stdout.write(new.secret)
            self.stdout.write("It is shown this once: store it now (only its hash is kept).")
        elif verb == "list":
            tokens = ApiToken.objects.select_related("user").order_by("id")
            if options["user"]:
                tokens = tokens.filter(user__username=options["user"])
            for t in tokens:
                state = "revoked" if t.revoked else ("active" if t.is_active() else "expired")
                self.stdout.write(
                    f"{t.pk:>5} {t.user.username:<12} {t.prefix}… {state:<8} {t.name}"
                )
        else:
            token = ApiToken.objects.filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(f"there is no token {options['id']}")
            api_token_revoke(token=token)
            self.stdout.write(f"token {token.pk} revoked")
