from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "lindung.cards"
    verbose_name = "Kartu peserta"
