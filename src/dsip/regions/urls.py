from django.urls import path

from dsip.regions import views

app_name = "regions"
urlpatterns = [
    path("children", views.children, name="children"),
    path("picker", views.picker, name="picker"),
]
