from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lindung.audit"
    verbose_name = "Audit"

    def ready(self):
        from . import signals  # noqa: F401
