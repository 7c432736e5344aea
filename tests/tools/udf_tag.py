"""Re-signing UDF descriptor tags after a test changed a descriptor on purpose (ECMA-167 3/7.2):
the CRC-CCITT of the descriptor body, then the tag checksum, so that a reader sees a valid tag
and meets the damage the test means, not a bad tag."""
import struct


def crc(body):
    c = 0
    for x in body:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xffff if c & 0x8000 else (c << 1) & 0xffff
    return c


def resign(d, off):
    """Fixes the tag at byte off of the bytearray d: descriptor CRC, then tag checksum."""
    ln = struct.unpack_from("<H", d, off + 10)[0]
    struct.pack_into("<H", d, off + 8, crc(d[off + 16:off + 16 + ln]))
    d[off + 4] = sum(d[off + i] for i in range(16) if i != 4) & 0xff
