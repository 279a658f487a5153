from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    verbose_name = "Accounts"
