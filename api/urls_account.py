from django.urls import path

from api import pages

app_name = "account"

urlpatterns = [
    path("api-tokens/", pages.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", pages.api_token_revoke, name="api_token_revoke"),
    path("calendar/", pages.calendar, name="calendar"),
    path("calendar/<str:key>.ics", pages.calendar_feed, name="calendar_feed"),
]
