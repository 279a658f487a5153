from django.apps import AppConfig


class LifeConfig(AppConfig):
    name = "lindung.life"
    verbose_name = "Peristiwa peserta"
