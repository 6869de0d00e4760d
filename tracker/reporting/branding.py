"""Brand styling for recaps: a logo checked by its content, and a primary colour.

A logo is shown in a PDF that WeasyPrint renders and in pages a brand opens, so
it is accepted only when its bytes prove what it is: PNG and JPEG are opened by
Pillow; SVG is parsed and refused when it holds anything that runs or reaches
out (scripts, event handlers, foreign objects, links other than "#id").
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from sqlmodel import Session

from ..models import Brand

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000
DEFAULT_COLOUR = "#1f4e79"
LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
# Editors' bookkeeping namespaces: inert, and common in exported logos.
_INERT_NS = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
}
_SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "style", "switch", "marker",
    "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood",
    "feComposite", "feMerge", "feMergeNode", "feMorphology",
}  # fmt: skip
_URL_REF = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)


def N_(message: str) -> str:
    """Mark a message for translation; views translate it when they show it."""
    return message


class StylingError(ValueError):
    """A logo or colour that cannot be accepted; the message is shown to the user.

    ``msgid`` and ``params`` let a view translate it: ``gettext(e.msgid, **e.params)``.
    """

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str


def normalise_colour(value: str) -> str:
    """Return the colour as lower-case #rrggbb, or raise StylingError."""
    value = (value or "").strip()
    if not _COLOUR.fullmatch(value):
        raise StylingError(N_("Use a colour written as #rrggbb, for example #1f4e79."))
    return value.lower()


def safe_colour(value: str | None) -> str:
    """The brand colour if it is well-formed, else the default: it reaches CSS and SVG."""
    try:
        return normalise_colour(value or "")
    except StylingError:
        return DEFAULT_COLOUR


def validate_logo(data: bytes) -> Logo:
    """Identify a logo by its content (not its name) and check it; raise StylingError if unfit."""
    if not data:
        raise StylingError(N_("The logo file is empty."))
    if len(data) > MAX_LOGO_BYTES:
        raise StylingError(N_("The logo is larger than %(kb)d KB."), kb=MAX_LOGO_BYTES // 1024)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Logo(_check_raster(data, "PNG"), LOGO_TYPES["png"])
    if data.startswith(b"\xff\xd8\xff"):
        return Logo(_check_raster(data, "JPEG"), LOGO_TYPES["jpeg"])
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")):
        check_svg(data)
        return Logo(data, LOGO_TYPES["svg"])
    raise StylingError(N_("The logo must be a PNG, JPEG or SVG image."))


def _check_raster(data: bytes, expected: str) -> bytes:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise StylingError(N_("The logo's content does not match its image type."))
            width, height = image.size
            if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
                raise StylingError(
                    N_("The logo is larger than %(px)d × %(px)d pixels."), px=MAX_LOGO_PIXELS
                )
            image.verify()
    except StylingError:
        raise
    except Exception as exc:  # Pillow raises many types for corrupt files
        raise StylingError(N_("The logo image is damaged or not a real image.")) from exc
    return data


def check_svg(data: bytes) -> None:
    """Refuse an SVG that could run code or fetch anything; raise StylingError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StylingError(N_("The SVG logo must be UTF-8 text.")) from exc
    lowered = text.lower()
    # DTDs bring entities (expansion bombs, external entities); no logo needs one.
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise StylingError(N_("SVG logos with a DOCTYPE or entities are not accepted."))
    if re.search(r"<\?(?!xml\s)", text):
        raise StylingError(N_("SVG logos with processing instructions are not accepted."))
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise StylingError(N_("The SVG logo is not well-formed XML.")) from exc
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise StylingError(N_("The SVG logo must have an <svg> root element."))
    for element in root.iter():
        _check_svg_element(element)


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _check_svg_element(element: ET.Element) -> None:
    ns, name = _split(element.tag)
    if ns in _INERT_NS:
        return
    if ns != _SVG_NS or name not in _SVG_ELEMENTS:
        raise StylingError(N_("SVG logos may not contain <%(name)s> elements."), name=name)
    if name == "style":
        _check_css(element.text or "")
    for key, value in element.attrib.items():
        attr_ns, attr = _split(key)
        if attr.lower().startswith("on"):
            raise StylingError(N_("SVG logos may not contain event handlers."))
        if attr == "href" and attr_ns in ("", _XLINK_NS) and not value.strip().startswith("#"):
            raise StylingError(N_("SVG logos may not link to other files or addresses."))
        if attr == "style":
            _check_css(value)
        elif _external_url(value):
            raise StylingError(N_("SVG logos may not refer to other files or addresses."))


def _check_css(css: str) -> None:
    if "@import" in css.lower() or _external_url(css):
        raise StylingError(N_("SVG logo styles may not refer to other files or addresses."))


def _external_url(value: str) -> bool:
    lowered = value.lower()
    if "javascript:" in lowered or "expression(" in lowered:
        return True
    return any(not ref.strip().startswith("#") for _q, ref in _URL_REF.findall(value))


def brand_css(colour: str | None) -> str:
    """CSS custom properties for the brand colour and tints derived from it."""
    base = safe_colour(colour)
    r, g, b = (int(base[i : i + 2], 16) for i in (1, 3, 5))

    def mix(weight: float, towards: int) -> str:
        return "#" + "".join(f"{round(c + (towards - c) * weight):02x}" for c in (r, g, b))

    # Relative luminance decides whether text on the brand colour is white or ink.
    lum = sum(w * (c / 255) for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b), strict=True))
    on_brand = "#ffffff" if lum < 0.6 else "#1d2330"
    return (
        f":root{{--brand:{base};--brand-dark:{mix(0.35, 0)};--brand-tint:{mix(0.9, 255)};"
        f"--brand-soft:{mix(0.75, 255)};--on-brand:{on_brand}}}"
    )


def set_brand_styling(
    session: Session,
    brand: Brand,
    *,
    primary_color: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Brand:
    """Validate and store the brand's colour and logo; flush, the caller commits."""
    colour = normalise_colour(primary_color)
    checked = validate_logo(logo) if logo else None
    brand.primary_color = colour
    if checked is not None:
        brand.logo, brand.logo_mime = checked.data, checked.mime
    elif remove_logo:
        brand.logo, brand.logo_mime = None, None
    session.add(brand)
    session.flush()
    return brand
