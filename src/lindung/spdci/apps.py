from django.apps import AppConfig


class SpdciConfig(AppConfig):
    name = "lindung.spdci"
    verbose_name = "SPDCI"
