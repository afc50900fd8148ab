from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "jifen.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        # Here, once every app is loaded: importing the module connects the login signal that
        # reads whether a password change is due.
        from jifen.accounts import password_due  # noqa: F401, PLC0415


class JifenAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with Jifen's site (jifen/accounts/admin_site.py) as the default
    ``admin.site``: the platform operator's alone, every write audited."""

    # Named in INSTALLED_APPS by its path; not this module's default (that is AccountsConfig).
    default = False
    default_site = "jifen.accounts.admin_site.JifenAdminSite"
