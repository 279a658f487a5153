from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lindung.programs"
    verbose_name = "Programmes"
