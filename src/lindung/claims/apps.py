from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    verbose_name = "Klaim"
