from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from jifen.accounts.roles import Role
from jifen.orgs.services import organization_create, role_grant


class Command(BaseCommand):
    help = (
        "新建一个顶级党委，并指定其管理员：jifen committee CODE NAME --admin USERNAME。"
        " Create a top-level committee and name its administrator."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="组织代码 organization code")
        parser.add_argument("name", help="名称 name, e.g. 中共某某学院委员会")
        parser.add_argument("--admin", required=True, help="管理员的用户名 (an existing account)")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["admin"]).first()
        if user is None:
            raise CommandError(
                f"没有用户名为 {options['admin']} 的账号，"
                "请先运行 jifen createsuperuser 或新建账号",
                returncode=2,
            )
        try:
            # In the installation's language, whatever a caller in the same process activated.
            with translation.override(settings.LANGUAGE_CODE):
                committee = organization_create(
                    code=options["code"], name=options["name"], kind="committee"
                )
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=2) from None
        role_grant(user=user, role=Role.COMMITTEE_ADMIN, organization=committee)
        self.stdout.write(
            self.style.SUCCESS(f"已新建 {committee.name}（{committee.code}），管理员 {user}")
        )
