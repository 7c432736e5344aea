#!/usr/bin/python3
"""Writes an image in the sparse form of tests/fuzz/sparse.h: the size, then its pieces that
are not zero (runs of non-zero 512-byte units, leading and trailing zero bytes trimmed).
Usage: sparse-seed.py IMAGE OUT [EXTRA]: EXTRA zero bytes are added to the image's size."""
import struct
import sys

UNIT = 512
MAX = 8 << 20


def pieces(img):
    i = 0
    while i < len(img):
        if not any(img[i:i + UNIT]):
            i += UNIT
            continue
        start = i
        while i < len(img) and i - start < 65536 - UNIT and any(img[i:i + UNIT]):
            i += UNIT
        chunk = img[start:i]
        lead = len(chunk) - len(chunk.lstrip(b"\0"))
        yield start + lead, chunk[lead:].rstrip(b"\0")


def main():
    img = open(sys.argv[1], "rb").read()
    if len(img) > MAX:
        sys.exit("sparse-seed: %s is larger than %d bytes" % (sys.argv[1], MAX))
    extra = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    out = [struct.pack("<I", len(img) + extra)]
    for off, data in pieces(img):
        out.append(struct.pack("<IH", off, len(data)) + data)
    open(sys.argv[2], "wb").write(b"".join(out))


main()
