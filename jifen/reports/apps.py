from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jifen.reports"
    verbose_name = "报表"

    def ready(self) -> None:
        # The branch summaries are derived from the stored results: `jifen scores rebuild`
        # and `jifen scores verify` cover them too (jifen.ledger.derived).
        from jifen.ledger.derived import register  # noqa: PLC0415 (the app registry is ready)
        from jifen.reports.figures_check import SUMMARIES  # noqa: PLC0415

        register(SUMMARIES)
