from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    verbose_name = "Lindung"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from .logs import log_job

        task_finished.connect(log_job, dispatch_uid="lindung.core.logs.log_job")
