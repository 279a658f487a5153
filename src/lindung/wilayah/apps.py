from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "lindung.wilayah"
    verbose_name = "Wilayah"
