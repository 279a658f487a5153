from django.apps import AppConfig


class SelfPayConfig(AppConfig):
    """The hand-over to self-paid membership (iuran mandiri): who leaves the programme's funding when, what each
    would pay himself, the village lists, the notices, BPJS's status file and how the cohort fared."""

    name = "lindung.selfpay"
    verbose_name = "Iuran mandiri"
