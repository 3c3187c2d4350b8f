"""The admin of every rollout model opens, lists and offers its add form to a superuser."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests import fixtures_rollout_ui as fx
from tests.conftest import make_user

programme, plan_a, certification_body = fx.programme, fx.plan_a, fx.certification_body
ROLLOUT_MODELS = [
    model for model in apps.get_app_config("rollout").get_models()
    if not model._meta.model_name.startswith("historical")
]


def test_every_rollout_model_is_in_the_admin():
    assert [m for m in ROLLOUT_MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", ROLLOUT_MODELS, ids=lambda model: model._meta.model_name)
def test_the_admin_lists_and_adds(model, client, plan_a, certification_body):
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    info = model._meta.app_label, model._meta.model_name
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


def test_the_plan_admin_shows_its_history(client, plan_a):
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:rollout_implementationplan_change", args=[plan_a.pk])).status_code == 200
    assert client.get(reverse("admin:rollout_implementationplan_history", args=[plan_a.pk])).status_code == 200
