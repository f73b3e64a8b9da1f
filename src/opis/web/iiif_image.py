"""The IIIF Image API 3.0 request: parameters parsed against an image size, then applied.

``parse_request`` reads ``{region}/{size}/{rotation}/{quality}.{format}`` for an
image of ``width`` x ``height`` and raises ``IiifParameterError`` (HTTP 400) for
anything malformed or out of bounds; ``render`` applies it to a Pillow image in the
specification's order: region, size, mirroring, rotation, quality, format.

Supported (level 1 plus): region ``full``, ``square``, ``x,y,w,h``, ``pct:x,y,w,h``;
size ``max``, ``w,``, ``,h``, ``pct:n``, ``w,h``, ``!w,h``, each with ``^`` for
upscaling (3.0 refuses a size above the region without it); rotation any angle from
0 to 360, ``!`` mirroring first; quality ``default``, ``color``, ``gray``, ``bitonal``;
format ``jpg``, ``png``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_WIDTH = 6_000
MAX_HEIGHT = 6_000
MAX_AREA = 24_000_000
QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png"}
JPEG_QUALITY = 85

_INT = r"\d+"
_NUMBER = r"\d+(?:\.\d+)?"
_REGION_PX = re.compile(rf"^({_INT}),({_INT}),({_INT}),({_INT})$")
_REGION_PCT = re.compile(rf"^pct:({_NUMBER}),({_NUMBER}),({_NUMBER}),({_NUMBER})$")
_SIZE_WH = re.compile(rf"^(!)?({_INT})?,({_INT})?$")
_SIZE_PCT = re.compile(rf"^pct:({_NUMBER})$")
_ROTATION = re.compile(rf"^(!)?({_NUMBER})$")


class IiifParameterError(ValueError):
    """A request the Image API answers with 400 Bad Request."""


@dataclass(frozen=True)
class ImageRequest:
    region: tuple[int, int, int, int]
    """x, y, width, height in full-image pixels, clipped to the image."""
    size: tuple[int, int]
    mirror: bool
    rotation: float
    quality: str
    format: str

    @property
    def media_type(self) -> str:
        return FORMATS[self.format]


def parse_region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    px = _REGION_PX.match(region)
    if px:
        x, y, w, h = (int(v) for v in px.groups())
    else:
        pct = _REGION_PCT.match(region)
        if not pct:
            raise IiifParameterError(f"bad region {region!r}")
        px_, py_, pw_, ph_ = (float(v) for v in pct.groups())
        x, y = round(px_ * width / 100), round(py_ * height / 100)
        w, h = round(pw_ * width / 100), round(ph_ * height / 100)
    if w <= 0 or h <= 0:
        raise IiifParameterError(f"region {region!r} has no width or height")
    if x >= width or y >= height:
        raise IiifParameterError(f"region {region!r} lies outside the {width}x{height} image")
    return x, y, min(w, width - x), min(h, height - y)


def parse_size(size: str, region_width: int, region_height: int) -> tuple[int, int]:
    upscale = size.startswith("^")
    spec = size[1:] if upscale else size
    rw, rh = region_width, region_height
    if spec == "max":
        limit = min(MAX_WIDTH / rw, MAX_HEIGHT / rh, (MAX_AREA / (rw * rh)) ** 0.5)
        scale = limit if upscale else min(1.0, limit)
        return max(1, int(rw * scale)), max(1, int(rh * scale))
    pct = _SIZE_PCT.match(spec)
    wh = _SIZE_WH.match(spec)
    if pct:
        n = float(pct.group(1))
        if n <= 0:
            raise IiifParameterError(f"size {size!r}: the percentage must be above 0")
        w, h = max(1, round(rw * n / 100)), max(1, round(rh * n / 100))
    elif wh and (wh.group(2) or wh.group(3)):
        confined, sw, sh = wh.group(1), wh.group(2), wh.group(3)
        if confined:
            if not (sw and sh):
                raise IiifParameterError(f"size {size!r}: !w,h needs both numbers")
            scale = min(int(sw) / rw, int(sh) / rh)
            if not upscale:
                scale = min(scale, 1.0)
            w, h = max(1, round(rw * scale)), max(1, round(rh * scale))
        elif sw and sh:
            w, h = int(sw), int(sh)
        elif sw:
            w = int(sw)
            h = max(1, round(rh * w / rw))
        else:
            h = int(sh or 0)
            w = max(1, round(rw * h / rh))
    else:
        raise IiifParameterError(f"bad size {size!r}")
    if w <= 0 or h <= 0:
        raise IiifParameterError(f"size {size!r} is zero")
    if not upscale and (w > rw or h > rh):
        raise IiifParameterError(
            f"size {size!r} is larger than the {rw}x{rh} region: prefix it with ^ to upscale"
        )
    if w > MAX_WIDTH or h > MAX_HEIGHT or w * h > MAX_AREA:
        raise IiifParameterError(
            f"size {size!r} is above the limits ({MAX_WIDTH}x{MAX_HEIGHT}, {MAX_AREA} pixels)"
        )
    return w, h


def parse_rotation(rotation: str) -> tuple[bool, float]:
    match = _ROTATION.match(rotation)
    if not match:
        raise IiifParameterError(f"bad rotation {rotation!r}")
    degrees = float(match.group(2))
    if degrees > 360:
        raise IiifParameterError(f"rotation {rotation!r} is above 360")
    return bool(match.group(1)), degrees % 360


def parse_request(
    region: str, size: str, rotation: str, quality: str, fmt: str, width: int, height: int
) -> ImageRequest:
    box = parse_region(region, width, height)
    scaled = parse_size(size, box[2], box[3])
    mirror, degrees = parse_rotation(rotation)
    if quality not in QUALITIES:
        raise IiifParameterError(f"bad quality {quality!r}; known: {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        raise IiifParameterError(f"unsupported format {fmt!r}; known: {', '.join(FORMATS)}")
    return ImageRequest(box, scaled, mirror, degrees, quality, fmt)


def render(image: Image, request: ImageRequest) -> bytes:
    """The requested image, encoded."""
    from PIL import Image as PILImage

    x, y, w, h = request.region
    result = image.crop((x, y, x + w, y + h)) if (x, y, w, h) != (0, 0, *image.size) else image
    if result.size != request.size:
        result = result.resize(request.size, PILImage.Resampling.LANCZOS)
    if request.mirror:
        result = result.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    result = _rotate(result, request.rotation)
    if request.quality == "gray":
        result = result.convert("L")
    elif request.quality == "bitonal":
        result = result.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1")
    buffer = io.BytesIO()
    if request.format == "jpg":
        if result.mode not in ("RGB", "L"):
            result = result.convert("L" if result.mode == "1" else "RGB")
        result.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    else:
        result.save(buffer, format="PNG")
    return buffer.getvalue()


def _rotate(image: Image, degrees: float) -> Image:
    from PIL import Image as PILImage

    quarter = {
        90.0: PILImage.Transpose.ROTATE_270,  # IIIF turns clockwise, Pillow counter-clockwise
        180.0: PILImage.Transpose.ROTATE_180,
        270.0: PILImage.Transpose.ROTATE_90,
    }
    if degrees == 0:
        return image
    if degrees in quarter:
        return image.transpose(quarter[degrees])
    white = 255 if image.mode == "L" else (255, 255, 255)
    return image.rotate(-degrees, expand=True, fillcolor=white)
