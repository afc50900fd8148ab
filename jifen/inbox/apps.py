from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "jifen.inbox"
    verbose_name = "通知"
