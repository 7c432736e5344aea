#!/usr/bin/python3
"""Rock Ridge PX serial numbers (RRIP 1.12 4.1.1) of an image, read with pycdlib.

px_serials.py check IMAGE SRCDIR
    Every entry of IMAGE's Rock Ridge tree (the root included) has a non-zero serial; regular
    files share one exactly when their sources in SRCDIR are hard links of each other (same
    device and inode), and then carry that family's size as their link count; every other
    entry (directory, symlink, special file) has a serial of its own.
px_serials.py same-but-serials OLD NEW
    The two images have the same size and differ only inside PX serial fields (bytes 36-43 of
    a "PX" entry of length 44) and libisofs's MD5 checksum tags and the session's entries
    of its MD5 array (which hash them), and pycdlib reads the same entries with the same modes, link
    counts, owners, extents and sizes from both.
Exit 0 when the property holds, 1 (with the reasons on stderr) when not.
"""
import io
import os
import re
import stat
import sys

import pycdlib


def rr_of(iso, path):
    rec = iso.get_record(rr_path=path)
    # The root's record in the volume descriptor has no room for Rock Ridge: its "." has.
    rr = rec.rock_ridge if rec.rock_ridge is not None else rec.children[0].rock_ridge
    return rec, rr


def entries(image):
    """path -> (PX record, directory record) for every entry of the Rock Ridge tree."""
    data = bytearray(open(image, 'rb').read())
    # pycdlib 1.12 rejects UDF 2.50/2.60 (metadata partition maps) and with it the whole
    # image: hide the UDF Volume Recognition Sequence (ECMA-167 2/9.1) from it, as the Rock
    # Ridge tree is what is read here.
    for blk in range(17, 17 + 64):
        if data[blk * 2048 + 1:blk * 2048 + 6] in (b'BEA01', b'NSR02', b'NSR03', b'TEA01'):
            data[blk * 2048:blk * 2048 + 2048] = bytes(2048)
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(bytes(data)))
    out = {}
    for dirpath, _dirs, files in iso.walk(rr_path='/'):
        for path in [dirpath] + [os.path.join(dirpath, f) for f in files]:
            rec, rr = rr_of(iso, path)
            px = rr.dr_entries.px_record or rr.ce_entries.px_record
            if px is None:
                raise SystemExit('%s: no PX entry for %s' % (image, path))
            out[path] = (px, rec)
    iso.close()
    return out


def check(image, src):
    bad = []
    ents = entries(image)
    by_serial = {}
    for path, (px, _rec) in ents.items():
        if px.posix_serial_number == 0:
            bad.append('serial 0: %s' % path)
        by_serial.setdefault(px.posix_serial_number, []).append(path)
    # The families the source tree says there are.
    # (Entries without a source, such as the El Torito catalog, are objects of their own.)
    fam = {}
    srcid = {}
    for path, (px, _rec) in ents.items():
        try:
            st = os.lstat(os.path.join(src, path.lstrip('/')))
        except FileNotFoundError:
            srcid[path] = ('no source', path)
            continue
        srcid[path] = (st.st_dev, st.st_ino)
        if stat.S_ISREG(st.st_mode):
            fam.setdefault((st.st_dev, st.st_ino), []).append(path)
    for serial, paths in by_serial.items():
        if len(paths) > 1:
            srcs = {srcid[p] for p in paths}
            kinds = {stat.S_IFMT(ents[p][0].posix_file_mode) for p in paths}
            if len(srcs) != 1 or kinds != {stat.S_IFREG}:
                bad.append('serial %d shared by distinct objects: %s'
                           % (serial, ' '.join(sorted(paths))))
    for paths in fam.values():
        serials = {ents[p][0].posix_serial_number for p in paths}
        if len(serials) != 1:
            bad.append('hard links with serials %s: %s'
                       % (sorted(serials), ' '.join(sorted(paths))))
        links = {ents[p][0].posix_file_links for p in paths}
        if links != {len(paths)}:
            bad.append('hard links %s: link counts %s, not %d'
                       % (' '.join(sorted(paths)), sorted(links), len(paths)))
    nfam = sum(1 for p in fam.values() if len(p) > 1)
    print('%s: %d entries, %d serials, %d hard-link families'
          % (image, len(ents), len(by_serial), nfam))
    return bad


def px_serial_ranges(data):
    """Byte ranges of the serial field of every PX entry of length 44 (RRIP 1.12)."""
    spans = []
    at = data.find(b'PX\x2c\x01')
    while at >= 0:
        spans.append((at + 36, at + 44))
        at = data.find(b'PX\x2c\x01', at + 1)
    return spans


def checksum_tag_ranges(data):
    """Byte ranges of libisofs's MD5 checksum tags (--md5): they hash the tree, serials and
    all, so they change with the serials."""
    spans = []
    for m in re.finditer(rb'libisofs_[a-z]*_?checksum_tag_v1 ', data):
        end = data.find(b'\n', m.start())
        spans.append((m.start(), end + 1 if 0 <= end < m.start() + 2048 else m.start() + 2048))
    return spans


def same_but_serials(old, new):
    bad = []
    a = open(old, 'rb').read()
    b = open(new, 'rb').read()
    if len(a) != len(b):
        return ['sizes differ: %d and %d bytes' % (len(a), len(b))]
    allowed = bytearray(len(a))
    for data in (a, b):
        for lo, hi in px_serial_ranges(data) + checksum_tag_ranges(data):
            allowed[lo:hi] = b'\1' * (hi - lo)
    # libisofs's MD5 array (isofs.ca) lies before the session tag: its first entry (the
    # session's MD5) and its last (the array's own) hash the serials too; the per-file
    # entries between them must not change.  At most two 16-byte slots may differ there.
    md5_slots = set()
    for m in re.finditer(rb'libisofs_checksum_tag_v1 pos=([0-9]+) ', b):
        tag = int(m.group(1))
        for blk in range(max(0, tag - 64), tag):
            for off in range(blk * 2048, blk * 2048 + 2048, 16):
                if any(a[i] != b[i] and not allowed[i] for i in range(off, off + 16)):
                    md5_slots.add(off)
    if len(md5_slots) > 2 * len(re.findall(rb'libisofs_checksum_tag_v1 pos=', b)):
        bad.append('%d MD5-sized slots differ before the session tags' % len(md5_slots))
    for off in md5_slots:
        allowed[off:off + 16] = b'\1' * 16
    ndiff = 0
    for blk in range(0, len(a), 2048):
        if a[blk:blk + 2048] == b[blk:blk + 2048]:
            continue
        for i in range(blk, min(blk + 2048, len(a))):
            if a[i] != b[i]:
                ndiff += 1
                if not allowed[i] and len(bad) < 10:
                    bad.append('byte %d (block %d) differs outside a PX serial'
                               % (i, i // 2048))
    ea, eb = entries(old), entries(new)
    if set(ea) != set(eb):
        bad.append('different entries: %s' % ' '.join(sorted(set(ea) ^ set(eb))))
    for path in sorted(set(ea) & set(eb)):
        (pa, ra), (pb, rb) = ea[path], eb[path]
        fa = (pa.posix_file_mode, pa.posix_file_links, pa.posix_user_id, pa.posix_group_id,
              ra.extent_location(), ra.get_data_length())
        fb = (pb.posix_file_mode, pb.posix_file_links, pb.posix_user_id, pb.posix_group_id,
              rb.extent_location(), rb.get_data_length())
        if fa != fb:
            bad.append('%s: %s then %s' % (path, fa, fb))
    print('%s %s: %d bytes differ, all in PX serials (or MD5 tags): %s'
          % (old, new, ndiff, 'no' if bad else 'yes'))
    return bad


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('check', 'same-but-serials'):
        sys.exit('usage: px_serials.py check IMAGE SRCDIR | same-but-serials OLD NEW')
    if sys.argv[1] == 'check':
        bad = check(sys.argv[2], sys.argv[3])
    else:
        bad = same_but_serials(sys.argv[2], sys.argv[3])
    for line in bad:
        print(line, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
