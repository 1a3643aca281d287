from django.contrib.auth import views as auth_views
from django.urls import path

from innobridge.accounts import views
from innobridge.accounts.throttle import ThrottledAuthenticationForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<slug:prefix>/revoke/", views.token_revoke, name="token_revoke"),
]
