#!/usr/bin/env python3
# Redraws icons/ (python3 with Pillow): python3 scripts/draw-icons.py
# Draws the app icon: a rounded teal square with a white "R" code mark.
from PIL import Image, ImageDraw
def draw(size):
    s = size * 4
    im = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([0, 0, s - 1, s - 1], radius=s // 5, fill=(12, 110, 122, 255))
    # a 5x5 grid of code cells, like a tiny tag
    cells = ["11101", "10011", "11110", "10101", "10011"]
    m = s // 6; c = (s - 2 * m) // 5
    for y, row in enumerate(cells):
        for x, v in enumerate(row):
            if v == "1":
                d.rounded_rectangle([m + x * c + c // 10, m + y * c + c // 10, m + (x + 1) * c - c // 10, m + (y + 1) * c - c // 10], radius=c // 5, fill=(255, 255, 255, 255))
    return im.resize((size, size), Image.LANCZOS)
# Every size a desktop asks for (the packages install each in hicolor/).
for n, name in [(16, "16x16.png"), (24, "24x24.png"), (32, "32x32.png"), (48, "48x48.png"),
                (64, "64x64.png"), (128, "128x128.png"), (256, "128x128@2x.png"), (512, "icon.png")]:
    draw(n).save("icons/" + name)
# Windows takes its icons from one .ico holding several sizes (the .exe and the installers).
draw(256).save("icons/icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (256, 256)])
