#!/usr/bin/env python3
"""udf_same_extents.py IMAGE MIN [MAX]: one copy of the data in a UDF bridge image.

For every regular file of the Rock Ridge tree, the UDF File Entry (read by pycdlib, which reads
plain File Entries only: UDF 1.02) has the same length, its first allocation descriptor starts
at the ISO 9660 record's extent, and the descriptors cover the data contiguously.  Exits non-zero
naming the file otherwise, or when the count of files checked is not within MIN..MAX (a check
of no files proves nothing)."""
import sys

import pycdlib

image, lo = sys.argv[1], int(sys.argv[2])
hi = int(sys.argv[3]) if len(sys.argv) > 3 else None
iso = pycdlib.PyCdlib()
iso.open(image)
part = iso.udf_main_descs.partitions[0].part_start_location
n = 0
for root, dirs, files in iso.walk(rr_path='/'):
    for name in files:
        p = root.rstrip('/') + '/' + name
        rec = iso.get_record(rr_path=p)
        if rec.is_symlink() or rec.get_data_length() == 0:
            continue
        fe = iso.get_record(udf_path=p)
        ads = fe.alloc_descs
        assert fe.info_len == rec.get_data_length(), p
        assert part + ads[0].log_block_num == rec.extent_location(), \
            (p, part + ads[0].log_block_num, rec.extent_location())
        blk = ads[0].log_block_num
        for ad in ads:
            assert ad.log_block_num == blk, p
            blk += (ad.extent_length + 2047) // 2048
        n += 1
assert n >= lo and (hi is None or n <= hi), f"{n} files checked, want {lo}..{hi}"
