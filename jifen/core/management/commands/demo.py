from typing import Any

from django.core.management.base import BaseCommand

from jifen.accounts.demo import DEMO_PASSWORD, demo_accounts_load


class Command(BaseCommand):
    help = "载入演示数据（可重复运行）。Load the demo data; safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the demo server will listen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_accounts_load()
        out = self.stdout
        out.write(self.style.SUCCESS("演示数据已载入。Demo data loaded."))
        out.write(f"\n打开 Open: {options['url']}\n")
        out.write(f"演示账号（密码均为 {DEMO_PASSWORD}）Demo accounts (password {DEMO_PASSWORD}):")
        for account in accounts:
            out.write(f"  {account.username:<10} {account.name}  {account.role.label}")
