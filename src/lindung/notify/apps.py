from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "lindung.notify"
    verbose_name = "Pesan"
