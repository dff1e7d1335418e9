#!/usr/bin/env python3
"""Generates the viewer's splash images and favicon (src/viewer/assets/images/*.png).

Pure Python (zlib only), deterministic: run it again and the PNGs come out byte for byte the
same. The outputs are committed; run this only to change the artwork:

    python3 scripts/gen_splash.py                      # everything (a few minutes)
    python3 scripts/gen_splash.py goop2-splash3.png favicon   # only these

Each splash is an 800x1000 abstract "goop": soft metaballs over a deep gradient, with a glossy
highlight and a faint glow, in mid tones that sit well on both the dark and the light theme.
"""

import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "viewer", "assets", "images")


def png(path, width, height, rows):
    """Writes an RGB PNG; `rows` yields bytes of width*3 per row."""
    raw = bytearray()
    prev = bytes(width * 3)
    for row in rows:
        # Filter "Up" (2): smooth gradients compress far better than unfiltered rows.
        raw.append(2)
        raw.extend(bytes((row[i] - prev[i]) & 0xFF for i in range(len(row))))
        prev = row
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def mix(a, b, t):
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(3))


def smoothstep(e0, e1, x):
    t = min(1.0, max(0.0, (x - e0) / (e1 - e0)))
    return t * t * (3 - 2 * t)


def hexrgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


# (background top, background bottom, goo colour A, goo colour B, glow, blobs [(x, y, r)] in 0..1 units)
SPLASHES = {
    "goop2-splash.png": dict(
        top=hexrgb("#1b2a4a"), bottom=hexrgb("#0f5b63"),
        a=hexrgb("#2de2c5"), b=hexrgb("#3b82f6"), glow=hexrgb("#5eead4"),
        blobs=[(0.30, 0.28, 0.20), (0.55, 0.40, 0.15), (0.68, 0.62, 0.22), (0.36, 0.70, 0.12),
               (0.80, 0.22, 0.08), (0.22, 0.52, 0.07)]),
    "goop2-splash2.png": dict(
        top=hexrgb("#2a1850"), bottom=hexrgb("#6b1d5c"),
        a=hexrgb("#a78bfa"), b=hexrgb("#f472b6"), glow=hexrgb("#f0abfc"),
        blobs=[(0.42, 0.30, 0.19), (0.62, 0.46, 0.16), (0.40, 0.62, 0.21), (0.70, 0.76, 0.10),
               (0.22, 0.40, 0.08), (0.78, 0.24, 0.07)]),
    "goop2-splash3.png": dict(
        top=hexrgb("#3b1d12"), bottom=hexrgb("#7c2d12"),
        a=hexrgb("#fbbf24"), b=hexrgb("#fb7185"), glow=hexrgb("#fde68a"),
        blobs=[(0.50, 0.24, 0.14), (0.34, 0.44, 0.19), (0.64, 0.56, 0.20), (0.44, 0.78, 0.13),
               (0.80, 0.36, 0.07), (0.20, 0.72, 0.08)]),
}


def splash(path, spec, width=800, height=1000):
    scale = float(width)
    palette = (spec["a"], spec["b"], spec["glow"])
    blobs = [(x * width, y * height, (r * scale * 0.62) ** 2, palette[i % 2 if i < 4 else 2])
             for i, (x, y, r) in enumerate(spec["blobs"])]
    top, bottom, glow = spec["top"], spec["bottom"], spec["glow"]
    ox, oy = 14.0, 18.0  # light from the upper left: the rim facing it shines

    def field(x, y):
        f = 0.0
        for bx, by, r2, _ in blobs:
            dx, dy = x - bx, y - by
            f += r2 / (dx * dx + dy * dy + 1.0)
        return f

    def rows():
        for y in range(height):
            row = bytearray(width * 3)
            ty = y / (height - 1)
            for x in range(width):
                tx = x / (width - 1)
                # Background: vertical gradient with a soft diagonal sheen.
                c = mix(top, bottom, ty * 0.8 + tx * 0.2)
                f = 0.0
                cr = cg = cb = 0.0
                for bx, by, r2, col in blobs:
                    dx, dy = x - bx, y - by
                    v = r2 / (dx * dx + dy * dy + 1.0)
                    f += v
                    cr += v * col[0]
                    cg += v * col[1]
                    cb += v * col[2]
                # Outer glow around the goo.
                c = mix(c, glow, smoothstep(0.2, 1.0, f) * 0.28)
                inside = smoothstep(0.96, 1.04, f)
                if inside > 0:
                    body = (cr / f, cg / f, cb / f)
                    # Darker towards the lower right, lighter towards the upper left.
                    shade = 1.06 - 0.16 * (0.6 * ty + 0.4 * tx)
                    body = tuple(min(255.0, ch * shade) for ch in body)
                    # Rim light: inside here, but near the edge towards the light.
                    fl = field(x - ox, y - oy)
                    rim = smoothstep(1.35, 0.9, fl) * smoothstep(1.0, 1.6, f)
                    body = mix(body, (255, 255, 255), rim * 0.45)
                    # Inner shadow on the far side.
                    fs = field(x + ox, y + oy)
                    sh = smoothstep(1.2, 0.85, fs)
                    body = mix(body, bottom, sh * 0.35)
                    c = mix(c, body, inside)
                # Ordered dither (2x2) keeps the gradients free of banding, cheaply.
                d = ((x & 1) * 2 + (y & 1) * 3) % 4 * 0.25 - 0.375
                i = x * 3
                row[i] = max(0, min(255, int(c[0] + d + 0.5)))
                row[i + 1] = max(0, min(255, int(c[1] + d + 0.5)))
                row[i + 2] = max(0, min(255, int(c[2] + d + 0.5)))
            yield bytes(row)

    png(path, width, height, rows())


def png_rgba(path, width, height, rows):
    """Writes an RGBA PNG; `rows` yields bytes of width*4 per row (filter None: tiny images)."""
    raw = bytearray()
    for row in rows:
        raw.append(0)
        raw.extend(row)
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def favicon(path, size):
    """A violet-to-pink goo drop with a highlight on a transparent background."""
    a, b = hexrgb("#a78bfa"), hexrgb("#f472b6")
    ss = 4  # supersampling per axis for smooth edges

    def rows():
        for y in range(size):
            row = bytearray(size * 4)
            for x in range(size):
                acc = [0.0, 0.0, 0.0]
                cover = 0.0
                for sy in range(ss):
                    for sx in range(ss):
                        u = (x + (sx + 0.5) / ss) / size
                        v = (y + (sy + 0.5) / ss) / size
                        f = 0.0
                        for bx, by, r in ((0.45, 0.56, 0.33), (0.70, 0.30, 0.17)):
                            f += r * r / ((u - bx) ** 2 + (v - by) ** 2 + 1e-6)
                        if f < 1.0:
                            continue
                        body = mix(a, b, min(1.0, max(0.0, (u + v) / 1.6)))
                        hl = max(0.0, 1.0 - math.hypot(u - 0.34, v - 0.40) / 0.13)
                        body = mix(body, (255, 255, 255), hl * 0.65)
                        acc = [acc[i] + body[i] for i in range(3)]
                        cover += 1.0
                i = x * 4
                if cover:
                    row[i:i + 3] = bytes(max(0, min(255, int(acc[k] / cover + 0.5))) for k in range(3))
                    row[i + 3] = int(255 * cover / (ss * ss) + 0.5)
            yield bytes(row)

    png_rgba(path, size, size, rows())


def main():
    import sys
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[1:]
    for name, spec in SPLASHES.items():
        if only and name not in only:
            continue
        splash(os.path.join(OUT, name), spec)
        print("wrote", name)
    if not only or "favicon" in only:
        favicon(os.path.join(OUT, "goop2-32.png"), 32)
        favicon(os.path.join(OUT, "goop2-64.png"), 64)
        print("wrote goop2-32.png, goop2-64.png")


if __name__ == "__main__":
    main()
