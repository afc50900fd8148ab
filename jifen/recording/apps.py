from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "jifen.recording"
    verbose_name = "记录"

    def ready(self) -> None:
        # A long file of monthly figures is applied as a job; the worker finds it by its kind.
        from jifen.recording import monthly_jobs  # noqa: PLC0415 — models must be loaded first

        monthly_jobs.register()
