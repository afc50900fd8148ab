from django.urls import URLPattern, URLResolver

app_name = "periods"

urlpatterns: list[URLPattern | URLResolver] = []
