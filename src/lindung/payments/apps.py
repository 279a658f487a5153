from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "lindung.payments"
    verbose_name = "Iuran"
