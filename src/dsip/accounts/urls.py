from django.contrib.auth import views as auth_views
from django.urls import include, path

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("api-keys/", include("dsip.accounts.urls_apikeys")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
