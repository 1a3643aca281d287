from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

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
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("sign-up/", views.signup_view, name="signup"),
    path("sign-up/sent/", views.signup_sent, name="signup_sent"),
    path("sign-up/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("settings/", views.preferences_view, name="preferences"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<slug:prefix>/revoke/", views.token_revoke, name="token_revoke"),
]
