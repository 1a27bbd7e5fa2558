"""Text going into the report's HTML and SVG: escaped once, here."""

from __future__ import annotations

import html


def escape(value: object) -> str:
    """Text as HTML or SVG content or an attribute value; None is empty."""
    return html.escape("" if value is None else str(value), quote=True)


class Markup(str):
    """Already-escaped HTML for a table cell."""
