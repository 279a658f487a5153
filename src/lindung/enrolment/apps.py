from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "lindung.enrolment"
    verbose_name = "Pendaftaran"
