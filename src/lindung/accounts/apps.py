from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .services import check_demo_password

        user_logged_in.connect(lambda sender, request, user, **kwargs: check_demo_password(request, user),
                               weak=False, dispatch_uid="lindung.check_demo_password")
