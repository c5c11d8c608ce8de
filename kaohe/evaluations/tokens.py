"""One-time secrets: ballot tokens and survey nonces, their digests, and QR codes as SVG.

A token is ``secrets.token_urlsafe(16)`` (128 bits); only its SHA-256 is stored, so the database
cannot hand out a working token. The QR code is drawn on the server with segno (pure Python):
the printed card works on a phone camera with no outside service.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from typing import Final

import segno

TOKEN_BYTES: Final = 16


def token_new() -> str:
    """A fresh URL-safe random token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code (medium error correction, no XML declaration)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode("utf-8")
