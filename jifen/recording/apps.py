from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "jifen.recording"
    verbose_name = "记录"
