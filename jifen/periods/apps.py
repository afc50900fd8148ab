from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "jifen.periods"
    verbose_name = "期间与公示"

    def ready(self) -> None:
        # A signed quarter freezes its year's rulebook; rulebooks (a layer below) asks us.
        from jifen.periods.frozen import signed_in_subtree  # noqa: PLC0415 (apps load first)
        from jifen.rulebooks import freeze  # noqa: PLC0415

        freeze.register(signed_in_subtree)
