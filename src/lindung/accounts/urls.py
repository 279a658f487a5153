from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path("token/", views.token_create, name="token_create"),
    path("token/<str:prefix>/cabut/", views.token_revoke, name="token_revoke"),
]
