"""Text going into the report's HTML and SVG: shown as data (shown_as_data.py) and escaped once, here."""

from __future__ import annotations

import html

from stalkerlab.common.shown_as_data import TEXT, as_data, data_pieces


class Markup(str):
    """Already-escaped HTML for a table cell."""


def escape(value: object) -> str:
    """Text as an HTML attribute value or SVG text; None is empty. Hidden characters show as escapes."""
    return html.escape(as_data(value), quote=True)


def text(value: object) -> Markup:
    """Text as HTML element content. Escapes of hidden characters and cuts of long values are marked
    (class 'shown'), so that a reader cannot take them for the evidence itself."""
    return Markup("".join(html.escape(piece.text, quote=True) if piece.kind == TEXT
                          else f"<span class='shown'>{html.escape(piece.text, quote=True)}</span>"
                          for piece in data_pieces(value)))
