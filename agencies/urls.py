from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_list, name="list"),
    path("<slug:code>/", views.agency_detail, name="detail"),
    path("<slug:code>/committee/", views.committee_edit, name="committee_edit"),
    path("<slug:code>/committee/members/add/", views.member_add, name="member_add"),
    path("<slug:code>/committee/members/<int:pk>/", views.member_edit, name="member_edit"),
    path("<slug:code>/committee/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
