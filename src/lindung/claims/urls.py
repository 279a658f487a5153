from django.urls import path  # noqa: F401 - the claims pages fill urlpatterns

app_name = "claims"
urlpatterns: list = []
