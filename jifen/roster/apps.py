from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "jifen.roster"
    verbose_name = "党员花名册"

    def ready(self) -> None:
        # A long roster is applied as a job; the worker finds the handler by its kind.
        from jifen.roster import jobs  # noqa: PLC0415 — models must be loaded first

        jobs.register()
