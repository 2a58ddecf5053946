"""photo.py PATH [WIDTH] - a small portrait PNG (grey figure on blue) for
the end-to-end tests, written with zlib only; height is 4/3 of the width."""
import struct, sys, zlib

path = sys.argv[1]
w = int(sys.argv[2]) if len(sys.argv) > 2 else 90
h = w * 4 // 3
s = w / 180.0
rows = []
for y in range(h):
    row = bytearray([0])
    for x in range(w):
        head = (x - 90 * s) ** 2 + ((y - 92 * s) * 1.1) ** 2 < (46 * s) ** 2
        body = y > 150 * s and abs(x - 90 * s) < 80 * s - max(0, 190 * s - y)
        row += bytes((92, 98, 110) if head or body else (200, 222, 246))
    rows.append(bytes(row))

def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
