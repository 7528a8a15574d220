"""The poster a unit prints for its counters: A4, the QR code of the survey's page (for one service
type, or for all), the address written out, and what the respondent should know (anonymous, a few
minutes). PNG for a screen or a message, PDF to print; drawn with Pillow (its own font: no system
fonts, no network), the QR by segno."""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

DPI = 150
A4 = (1240, 1754)  # 210 × 297 mm at 150 dpi
MARGIN = 110
INK, BLUE, GREY = (20, 20, 20), (13, 84, 205), (90, 90, 90)


def _font(size: int):
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def _text(draw, y: int, text: str, size: int, fill=INK) -> int:
    font = _font(size)
    for line in _wrap(draw, text, font, A4[0] - 2 * MARGIN):
        width = draw.textlength(line, font=font)
        draw.text(((A4[0] - width) / 2, y), line, font=font, fill=fill)
        y += int(size * 1.3)
    return y


def qr_image(url: str, box: int) -> Image.Image:
    buffer = io.BytesIO()
    qr = segno.make(url, error="m")
    scale = max(1, box // (qr.symbol_size(border=4)[0]))
    qr.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def poster(*, url: str, unit: str, instansi: str, service: str = "") -> Image.Image:
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, A4[0], 26], fill=BLUE)
    y = _text(draw, 90, _("Bagaimana layanan kami hari ini?"), 64, BLUE)
    y = _text(draw, y + 10, _("Survei Kualitas Pelayanan dan Anti Korupsi"), 40)
    y = _text(draw, y + 24, unit, 46)
    if service:
        y = _text(draw, y + 4, _("Layanan: %(s)s") % {"s": service}, 40, GREY)
    code = qr_image(url, 820)
    page.paste(code, ((A4[0] - code.width) // 2, y + 30))
    y += 30 + code.height + 20
    y = _text(draw, y, _("Pindai kode QR dengan kamera ponsel, atau buka:"), 32, GREY)
    y = _text(draw, y + 6, url, 34, INK)
    y = _text(draw, y + 30, _("Tanpa nama dan tanpa nomor telepon. Sekitar 3 menit. Jawaban Anda membantu "
                              "kami memperbaiki pelayanan dan mencegah korupsi."), 30, GREY)
    _text(draw, A4[1] - 90, instansi, 28, GREY)
    return page


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def pdf(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=DPI, title=_("Poster survei"))
    return buffer.getvalue()
