from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The formal-document layer: the Vietnamese administrative layout (letterhead, closing), formal dates and
    numbers, and PDF rendering with the project's fonts. It imports no other app of the portal."""

    name = "documents"
    verbose_name = _("Formal documents")
