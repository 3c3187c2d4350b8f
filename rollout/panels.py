"""Places on the rollout's pages where the apps above it add their part, without rollout importing them.

An app registers a function for a place (``register("plan", scope_panel)``, from its ``AppConfig.ready``);
the page calls ``render(place, request, obj)`` and shows what each function answers. The places:

- ``plan``: the plan page (its scope of administrative procedures, co-review opinions …);
- ``milestone``: a milestone page (the training that supports it …);
- ``result``: a certificate's or declaration's page (its scope …).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

PLACES = ("plan", "milestone", "result")
_panels: dict[str, list[Callable]] = {place: [] for place in PLACES}


def register(place: str, panel: Callable) -> Callable:
    if place not in _panels:
        raise ValueError(f"Unknown place {place!r}; one of {', '.join(PLACES)}")
    if panel not in _panels[place]:
        _panels[place].append(panel)
    return panel


def render(place: str, request, obj) -> list[SafeString]:
    """Each panel answers rendered HTML (``render_to_string``, already safe) or an empty string."""
    return [html for panel in _panels[place] if (html := panel(request, obj))]
