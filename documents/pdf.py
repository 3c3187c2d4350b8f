"""PDF rendering with WeasyPrint: the project's own font embedded, static files read from disk, no network.

``render_pdf("…/….html", context)`` renders a Django template to PDF bytes. Templates extend
``documents/document.html`` (the formal Vietnamese administrative layout) or ``documents/base.html``.
The fonts come from ``static/fonts`` (Noto Serif for the document text and tables, Noto Sans for the charts,
both covering Vietnamese in full); WeasyPrint embeds the glyphs it uses as subsets.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint logs every layout step at INFO (from its import on); keep worker and command output readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, path2url  # noqa: E402

# (family, file, weight, style): the faces every PDF may use.
FONT_FACES = (
    ("Noto Serif", "fonts/NotoSerif-Regular.ttf", 400, "normal"),
    ("Noto Serif", "fonts/NotoSerif-Bold.ttf", 700, "normal"),
    ("Noto Serif", "fonts/NotoSerif-Italic.ttf", 400, "italic"),
    ("Noto Serif", "fonts/NotoSerif-BoldItalic.ttf", 700, "italic"),
    ("Noto Sans", "fonts/NotoSans-Regular.ttf", 400, "normal"),
    ("Noto Sans", "fonts/NotoSans-Bold.ttf", 700, "normal"),
    ("Noto Sans", "fonts/NotoSans-Italic.ttf", 400, "italic"),
)
DOCUMENT_FONT = '"Noto Serif"'


class PdfResourceError(RuntimeError):
    pass


def static_path(relative: str) -> Path:
    found = finders.find(relative)
    if not found:
        raise PdfResourceError(f"Static file not found: {relative}")
    return Path(found)


@lru_cache(maxsize=1)
def _static_roots() -> tuple[Path, ...]:
    roots = [Path(root if isinstance(root, str | Path) else root[1]).resolve() for root in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return tuple(roots)


class LocalStaticFetcher(URLFetcher):
    """Serves ``data:`` URLs, files under the static directories, and ``/static/…`` links (whatever host they
    name) from disk. Everything else is refused, so rendering never touches the network."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme in ("http", "https") and parts.path.startswith(settings.STATIC_URL):
            path = static_path(unquote(parts.path[len(settings.STATIC_URL) :]))
            return super().fetch(path2url(str(path)), headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in _static_roots()):
                return super().fetch(url, headers)
        raise ValueError(f"Only local static files are fetched when rendering a PDF, not {url}")


def font_face_css() -> str:
    rules = []
    for family, relative, weight, style in FONT_FACES:
        url = path2url(str(static_path(relative)))
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{url}") format("truetype"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    # Set explicitly everywhere, page margin boxes included, so no system font is ever substituted.
    rules.append(f"html, body, table, th, td, svg, svg text {{ font-family: {DOCUMENT_FONT}; }}")
    rules.append(f"@page {{ font-family: {DOCUMENT_FONT}; }}")
    return "\n".join(rules)


@lru_cache(maxsize=1)
def _font_stylesheet_source() -> str:
    return font_face_css()


def base_url() -> str:
    # Links such as {% static 'img/x.svg' %} ("/static/…") resolve against this and are then read from disk.
    return (settings.SITE_URL or "http://localhost").rstrip("/") + "/"


def html_document(html: str, *, stylesheets: Iterable[str] = ()):
    """Lay out an HTML string; returns a WeasyPrint Document (pages can be merged before writing)."""
    fetcher = LocalStaticFetcher()
    font_config = FontConfiguration()
    sheets = [CSS(string=_font_stylesheet_source(), font_config=font_config, url_fetcher=fetcher)]
    sheets += [CSS(string=source, font_config=font_config, url_fetcher=fetcher) for source in stylesheets]
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=font_config
    )
    return document


def render_pdf(template_name: str, context: dict, *, stylesheets: Iterable[str] = (), request=None) -> bytes:
    """Render a Django template to PDF bytes with the project fonts embedded."""
    html = render_to_string(template_name, context, request=request)
    buffer = io.BytesIO()
    html_document(html, stylesheets=stylesheets).write_pdf(buffer)
    return buffer.getvalue()
