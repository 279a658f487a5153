from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "lindung.backup"
    verbose_name = "Backup"
