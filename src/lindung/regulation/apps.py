from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "lindung.regulation"
    verbose_name = "Pengaturan regulasi"
