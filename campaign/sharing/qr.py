"""QR codes of an appeal's address, for posters and leaflets (SVG for print, PNG for screens)."""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
import qrcode.image.svg


def _code(data: str) -> qrcode.QRCode:
    # Medium error correction survives a smudged or folded leaflet.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> bytes:
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def qr_png(data: str) -> bytes:
    image = _code(data).make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
