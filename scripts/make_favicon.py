"""Draw the site's icon: bygdebas/static/favicon.svg and bygdebas/site_root/favicon.ico.

A house on a field in the brand's green; the same shapes in both files. Run it again after
changing the shapes: .venv/bin/python scripts/make_favicon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
GREEN, WHITE, YELLOW = "#1f5f3a", "#ffffff", "#ffbf47"
# On a 64 × 64 grid.
ROOF = [(12, 33), (32, 14), (52, 33)]
WALL = (18, 32, 46, 50)
DOOR = (29, 39, 35, 50)
FIELD = (8, 52, 56, 57)

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="12" fill="{GREEN}"/>
<polygon points="{" ".join(f"{x},{y}" for x, y in ROOF)}" fill="{WHITE}"/>
<rect x="{WALL[0]}" y="{WALL[1]}" width="{WALL[2] - WALL[0]}" height="{WALL[3] - WALL[1]}" fill="{WHITE}"/>
<rect x="{DOOR[0]}" y="{DOOR[1]}" width="{DOOR[2] - DOOR[0]}" height="{DOOR[3] - DOOR[1]}" fill="{GREEN}"/>
<rect x="{FIELD[0]}" y="{FIELD[1]}" width="{FIELD[2] - FIELD[0]}" height="{FIELD[3] - FIELD[1]}" rx="2" fill="{YELLOW}"/>
</svg>
"""


def draw(size: int) -> Image.Image:
    # Drawn four times larger and scaled down, for smooth edges.
    scale = size * 4 / 64
    image = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(b: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        return (b[0] * scale, b[1] * scale, b[2] * scale - 1, b[3] * scale - 1)

    pen.rounded_rectangle((0, 0, size * 4 - 1, size * 4 - 1), radius=12 * scale, fill=GREEN)
    pen.polygon([(x * scale, y * scale) for x, y in ROOF], fill=WHITE)
    pen.rectangle(box(WALL), fill=WHITE)
    pen.rectangle(box(DOOR), fill=GREEN)
    pen.rounded_rectangle(box(FIELD), radius=2 * scale, fill=YELLOW)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    (ROOT / "bygdebas" / "static" / "favicon.svg").write_text(SVG)
    largest = draw(48)
    largest.save(
        ROOT / "bygdebas" / "site_root" / "favicon.ico",
        sizes=[(16, 16), (32, 32), (48, 48)],
        append_images=[draw(16), draw(32)],
    )


if __name__ == "__main__":
    main()
