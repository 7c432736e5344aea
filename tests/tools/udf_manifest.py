"""Manifest of a directory tree or of the UDF view of an image as pycdlib reads it.

Usage: udf_manifest.py dir PATH | udf IMAGE
One line per entry, sorted: path, type, mode, uid, gid, link count, size, sha256 (files) or
symlink target.  Directory link counts follow UDF (1 + subdirectories, no "." entry), so the
dir mode prints st_nlink - 1.  Run with /usr/bin/python3 (Debian's pycdlib).
"""
import datetime
import hashlib
import os
import stat
import struct
import sys


def when(sec):
    return datetime.datetime.fromtimestamp(int(sec), datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S')


def from_dir(top):
    out = []
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            rel = '/' + os.path.relpath(p, top)
            head = '%s %o %d %d' % (rel, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
            mt = when(st.st_mtime)
            if stat.S_ISLNK(st.st_mode):
                out.append('%s L %s %d %s -> %s' % (rel, head, st.st_nlink, mt, os.readlink(p)))
            elif stat.S_ISDIR(st.st_mode):
                out.append('%s D %s %d %s' % (rel, head, st.st_nlink - 1, mt))
            elif not stat.S_ISREG(st.st_mode):
                kind = 'P' if stat.S_ISFIFO(st.st_mode) else 'S' if stat.S_ISSOCK(st.st_mode) else \
                       'C' if stat.S_ISCHR(st.st_mode) else 'B'
                dev = ' %d,%d' % (os.major(st.st_rdev), os.minor(st.st_rdev)) if kind in 'CB' else ''
                out.append('%s %s %s %d %s%s' % (rel, kind, head, st.st_nlink, mt, dev))
            else:
                with open(p, 'rb') as f:
                    h = hashlib.sha256(f.read()).hexdigest()
                out.append('%s F %s %d %s %d %s' % (rel, head, st.st_nlink, mt, st.st_size, h))
    return out


def udf_mode(fe):
    perms = fe.perms
    mode = (perms & 7) | ((perms >> 5) & 7) << 3 | ((perms >> 10) & 7) << 6
    flags = fe.icb_tag.flags
    if flags & (1 << 6):
        mode |= 0o4000
    if flags & (1 << 7):
        mode |= 0o2000
    if flags & (1 << 8):
        mode |= 0o1000
    return mode


def udf_time(t):
    return '%04d-%02d-%02d %02d:%02d:%02d' % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def symlink_target(raw):
    """Path components of ECMA-167 4/14.16 (the bytes located through pycdlib)."""
    parts, i, absolute = [], 0, False
    while i + 4 <= len(raw):
        ctype, clen = raw[i], raw[i + 1]
        ident = raw[i + 4:i + 4 + clen]
        i += 4 + clen
        if ctype == 2:
            absolute = True
        elif ctype == 3:
            parts.append('..')
        elif ctype == 4:
            parts.append('.')
        elif ctype == 5:
            parts.append(ident[1:].decode('latin-1' if ident[0] == 8 else 'utf-16-be'))
    return ('/' if absolute else '') + '/'.join(parts)


def from_udf(img):
    import pycdlib
    iso = pycdlib.PyCdlib()
    iso.open(img)
    raw = open(img, 'rb')
    part_start = iso.udf_main_descs.partitions[0].part_start_location
    out = []

    def walk(path, fe_dir):
        for fid in fe_dir.fi_descs:
            if fid.isparent:
                continue
            fe = fid.file_entry
            name = fid.fi.decode(fid.encoding)
            p = path + '/' + name
            head = '%s %o %d %d %d %s' % (p, udf_mode(fe), fe.uid, fe.gid, fe.file_link_count,
                                         udf_time(fe.mod_time))
            kind = {9: 'P', 10: 'S', 7: 'C', 6: 'B'}.get(fe.icb_tag.file_type)
            if kind is not None:
                dev = ''
                if kind in 'CB':
                    # Extended attribute header (24 bytes), then the Device Specification
                    # (ECMA-167 4/14.10.7): type 12, subtype 1, major and minor at 16 and 20.
                    ea = fe.extended_attrs
                    assert struct.unpack_from('<H', ea, 0)[0] == 262, 'no EA header'
                    etype, sub, major, minor = struct.unpack_from('<IB11xII', ea, 24)
                    assert (etype, sub) == (12, 1), (etype, sub)
                    dev = ' %d,%d' % (major, minor)
                out.append('%s %s %s%s' % (p, kind, head, dev))
            elif fe.is_dir():
                out.append('%s D %s' % (p, head))
                walk(p, fe)
            elif fe.is_symlink():
                if fe.icb_tag.flags & 7 == 3:
                    # Embedded data follows the 176-byte File Entry and its EAs.
                    raw.seek(fe.orig_extent_loc * 2048 + 176 + fe.len_extended_attrs)
                else:
                    assert len(fe.alloc_descs) == 1
                    raw.seek((part_start + fe.alloc_descs[0].log_block_num) * 2048)
                out.append('%s L %s -> %s' % (p, head, symlink_target(raw.read(fe.info_len))))
            else:
                # Read what the allocation descriptors pycdlib parsed point at, rather than
                # through its inode table: pycdlib files an embedded symlink's data under
                # block part_start + the File Entry's own block, which can alias a real file.
                h, left = hashlib.sha256(), fe.info_len
                for ad in fe.alloc_descs:
                    raw.seek((part_start + ad.log_block_num) * 2048)
                    n = min(ad.extent_length, left)
                    while n > 0:
                        chunk = raw.read(min(n, 1 << 20))
                        assert chunk, 'short read'
                        h.update(chunk)
                        n -= len(chunk)
                        left -= len(chunk)
                assert left == 0, 'allocation descriptors cover less than the size'
                out.append('%s F %s %d %s' % (p, head, fe.info_len, h.hexdigest()))
                continue

    walk('', iso.get_record(udf_path='/'))
    iso.close()
    return out


if __name__ == '__main__':
    lines = from_dir(sys.argv[2]) if sys.argv[1] == 'dir' else from_udf(sys.argv[2])
    sys.stdout.buffer.write(''.join(sorted(l + '\n' for l in lines)).encode('utf-8', 'surrogateescape'))
