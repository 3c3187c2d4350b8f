from django.urls import path

from rollout import officer_home, views, views_opinions, views_organisations, views_reminders, views_urging

app_name = "rollout"

urlpatterns: list = [
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("my-plan/", views.my_plan, name="my_plan"),
    path("plans/<int:pk>/due-dates/", views.plan_due_dates, name="plan_due_dates"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/milestones/add/", views.milestone_add, name="milestone_add"),
    path("plans/<int:pk>/milestones/change/", views.milestone_change, name="milestone_change"),
    path("plans/<int:pk>/milestones/remove/", views.milestone_remove, name="milestone_remove"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan_document"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/head-approval/", views.plan_head_approve, name="plan_head_approve"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("plans/<int:pk>/certificate/new/", views.certificate_new, name="certificate_new"),
    path("plans/<int:pk>/declaration/new/", views.declaration_new, name="declaration_new"),
    path("review/", views.review_queue, name="review_queue"),
    path("plans/<int:pk>/opinion/", views_opinions.plan_opinion, name="plan_opinion"),
    path("programmes/<int:pk>/lock/", views.programme_lock, name="programme_lock"),
    path("milestones/<int:pk>/", views.milestone, name="milestone"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("registry/", views.registry, name="registry"),
    path("registry/engagements/declare/", views_organisations.engagement_declare, name="engagement_declare"),
    path("registry/engagements/<int:pk>/confirm/", views_organisations.engagement_confirm, name="engagement_confirm"),
    path("registry/organisations/<slug:kind>/<int:pk>/", views_organisations.organisation, name="organisation"),
    path("registry/<slug:kind>/new/", views.registry_edit, name="registry_new"),
    path("registry/<slug:kind>/<int:pk>/", views.registry_edit, name="registry_edit"),
    path("urge/<slug:code>/", views_urging.urge, name="urge"),
    path("urge/<slug:code>/letter/<int:programme>/", views_urging.urge_letter, name="urge_letter"),
    path("milestones/<int:pk>/quick-update/", officer_home.quick_update, name="quick_update"),
    path("reminders/", views_reminders.my_reminders, name="my_reminders"),
    path("reminders/undelivered/", views_reminders.reminder_queue, name="reminder_queue"),
]
