from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jifen.audit.context import audit_context
from jifen.audit.services import audit_record
from jifen.core import anchor_keys
from jifen.core.anchor_check import anchors_check
from jifen.core.anchors import anchor_write
from jifen.ledger.heads import heads_check, heads_sign_unsigned
from jifen.ledger.integrity import triggers_problems
from jifen.ledger.models import LedgerHead
from jifen.ledger.verify import ledger_verify


class Command(BaseCommand):
    help = (
        "写一个锚点：用数据库之外的密钥签下每条哈希链的链头（每日定时运行）；"
        "jifen anchor keygen 生成密钥并打印公钥。"
        " Write an anchor now (run daily); `jifen anchor keygen` makes the key and prints the"
        " public key for the settings."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", nargs="?", choices=["keygen"], help="keygen：生成密钥")
        parser.add_argument("--out", help="keygen：私钥文件的路径（默认 JIFEN_ANCHOR_KEY）")
        parser.add_argument(
            "--sign-heads",
            action="store_true",
            help="升级时一次：给还没有签名的链头签名（只签哈希链完整的）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "keygen":
            self._keygen(options["out"])
            return
        if options["sign_heads"]:
            self._sign_heads()
        # Quick checks first (no chain is recomputed: that is `jifen verify`'s): a forged head,
        # a rollback across an anchor or missing triggers must not be signed into a new anchor.
        problems = [str(b) for b in heads_check()]
        problems += [str(p) for p in anchors_check()[0]] + triggers_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"没有写锚点：发现 {len(problems)} 个问题，请先运行 jifen verify 查明", returncode=1
            )
        try:
            anchor = anchor_write("jifen anchor")
        except (OSError, anchor_keys.AnchorKeyError) as error:
            raise CommandError(f"锚点没有写成：{error}", returncode=2) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已写锚点 {anchor.name}：{len(anchor.chains)} 条链，摘要 {anchor.digest[:16]}"
            )
        )

    def _keygen(self, out: str | None) -> None:
        path = Path(out) if out else anchor_keys.private_key_path()
        existed = path.exists()
        try:
            key = anchor_keys.key_generate(path)
        except (OSError, anchor_keys.AnchorKeyError) as error:
            raise CommandError(f"无法生成或读取锚点私钥 {path}：{error}", returncode=2) from error
        said = "已有私钥，未覆盖" if existed else "已生成私钥"
        self.stderr.write(f"{said}：{path}（只给运行 Jifen 的用户读，不放进数据库备份的同一处）")
        self.stderr.write(
            "把下面这一行加进部署的设置（环境变量），并设置 JIFEN_ANCHOR_KEY 为私钥路径："
        )
        self.stdout.write(f"JIFEN_ANCHOR_PUBLIC_KEY={anchor_keys.public_text(key.public_key())}")

    def _sign_heads(self) -> None:
        unsigned = LedgerHead.objects.filter(seq__gt=0, signature="").select_related("organization")
        organizations = [head.organization for head in unsigned]
        breaks = ledger_verify(organizations)
        if breaks:
            for problem in breaks:
                self.stderr.write(str(problem))
            raise CommandError("有的哈希链不完整，没有给链头签名", returncode=1)
        with audit_context(path="jifen anchor --sign-heads"), transaction.atomic():
            count = heads_sign_unsigned()
            if count:
                audit_record(
                    action="ledger.heads_signed",
                    actor=None,
                    target=None,
                    summary=f"升级：给 {count} 条台账链的链头签名",
                )
        self.stdout.write(f"已给 {count} 个链头签名。")
