from django.urls import include, path

from dsip.api import api
from dsip.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("dsip.accounts.urls")),
    path("regions/", include("dsip.regions.urls")),
    path("audit/", include("dsip.audit.urls")),
    path("persons/", include("dsip.registry.urls")),
    path("api/v1/", api.urls),
]
