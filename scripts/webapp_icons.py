"""Draw the web app's PNG icons (the same picture as backend/webapp/static/icons/icon.svg) with Pillow.

  .venv/bin/python scripts/webapp_icons.py     writes icon-192.png, icon-512.png, icon-maskable-512.png

The PNGs are committed; run this again only when the picture changes.
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "backend" / "webapp" / "static" / "icons"
BLUE, WHITE, AMBER = (29, 78, 216), (255, 255, 255), (251, 191, 36)


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw large, shrink: smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if maskable:
        d.rectangle([0, 0, s, s], fill=BLUE)  # the platform cuts its own shape: fill to the edge
        shrink = 0.72  # keep the picture inside the safe zone (a circle of 80%)
    else:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=int(s * 112 / 512), fill=BLUE)
        shrink = 1.0
    u = s / 512 * shrink
    off = s / 2 - 256 * u

    def p(x: float, y: float) -> tuple[float, float]:
        return off + x * u, off + y * u

    # the pin: a circle on top of a triangle pointing down
    d.ellipse([*p(130, 88), *p(382, 340)], fill=WHITE)
    d.polygon([p(140, 258), p(372, 258), p(256, 424)], fill=WHITE)
    d.ellipse([*p(194, 150), *p(318, 274)], fill=AMBER)
    d.line([p(226, 212), p(248, 234), p(288, 190)], fill=BLUE, width=int(18 * u), joint="curve")
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    print(f"icons written to {OUT}")
