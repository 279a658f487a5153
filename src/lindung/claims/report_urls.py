from django.urls import path  # noqa: F401 - the claims report fills urlpatterns

app_name = "claims_report"
urlpatterns: list = []
