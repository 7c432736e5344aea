/* The options of genisoimage --help and xorriso -as mkisofs -help that mkimage refuses, and
 * why.  An option here is never an unknown option and never a silent no-op. */
#include "mkimage/refused_options.h"

#include <string.h>

#define MULTISESSION "multisession and remastering are not supported (issue 16)"
#define HFS "classic HFS: libisofs writes only HFS+ (use -hfsplus)"
#define MACFILES "classic HFS resource files: libisofs writes only HFS+ (use -hfsplus)"
#define RELOC "mkimage keeps deep directories in place; there is no relocation directory"
#define DVD "the DVD-Video/DVD-Audio layout (VIDEO_TS and AUDIO_TS files in the order and at " \
	"the sectors their IFO tables give) is not implemented"
#define TRANS "mkimage writes no TRANS.TBL files (Rock Ridge and Joliet carry the long names)"

const struct mk_refused_option mk_refused_options[] = {
	/* Appending to or merging with a previous session. */
	{ "dev", 1, MULTISESSION },
	{ "check-oldnames", 0, MULTISESSION },
	{ "check-session", 1, MULTISESSION },
	{ "force-rr", 0, MULTISESSION },
	{ "no-rr", 0, MULTISESSION },
	{ "old-root", 1, MULTISESSION },
	{ "old-root-no-md5", 0, MULTISESSION },
	{ "old-root-no-ino", 0, MULTISESSION },
	{ "old-root-devno", 0, MULTISESSION },
	{ "root", 1, "use -graft-points with /DIR/=PATH to put files under a directory" },
	{ "emul-toc", 0, MULTISESSION },
	/* ISO 9660 features libisofs 1.5.4 does not write. */
	{ "hidden", 1, "libisofs 1.5.4 cannot set the ISO 9660 existence (hidden) bit; "
	  "use -hide to leave files out of the ISO 9660 tree" },
	{ "hidden-list", 1, "libisofs 1.5.4 cannot set the ISO 9660 existence (hidden) bit; "
	  "use -hide-list to leave files out of the ISO 9660 tree" },
	{ "T", 0, TRANS },
	{ "translation-table", 0, TRANS },
	{ "table-name", 1, TRANS },
	{ "hide-joliet-trans-tbl", 0, TRANS },
	{ "hide-rr-moved", 0, RELOC },
	{ "rr_reloc_dir", 1, RELOC },
	{ "XA", 0, "libisofs writes no CD-ROM XA directory attributes" },
	{ "xa", 0, "libisofs writes no CD-ROM XA directory attributes" },
	{ "s", 1, "only 2048-byte data sectors are written (imgburn chooses the write mode)" },
	{ "sectype", 1, "only 2048-byte data sectors are written (imgburn chooses the write "
	  "mode)" },
	{ "volset-size", 1, "libisofs 1.5.4 writes volume set size 1 (multi-volume sets are "
	  "not supported)" },
	{ "volset-seqno", 1, "libisofs 1.5.4 writes volume sequence number 1 (multi-volume "
	  "sets are not supported)" },
	{ "use-fileversion", 1, "libisofs numbers every ISO 9660 name ;1 (or none with -N)" },
	{ "no-split-symlink-components", 0, "libisofs decides how Rock Ridge SL records are "
	  "split" },
	{ "no-split-symlink-fields", 0, "libisofs decides how Rock Ridge SL records are split" },
	{ "ucs-level", 1, "Joliet names are always UTF-16 (a superset of UCS-2 levels 1-3)" },
	{ "file_name_limit", 1, "Rock Ridge names are never truncated (limit 255 bytes)" },
	/* For DVD-Video, genisoimage and cdrtools mkisofs read the IFO files
	 * to put each title set's files in order and at the sectors their tables give; the UDF
	 * bridge lays the files out as libisofs sorts them. */
	{ "dvd-video", 0, DVD },
	{ "dvd-audio", 0, DVD },
	{ "dvd-hybrid", 0, DVD },
	{ "split-output", 0, "the image is one file or a stream (split it with split(1))" },
	{ "stream-file-name", 1, "genisoimage's stream mode is not implemented" },
	{ "stream-media-size", 1, "genisoimage's stream mode is not implemented" },
	{ "i", 1, "genisoimage itself no longer supports it (use PATH arguments)" },
	{ "nobak", 0, "not implemented: leave backup files out with -m '*~' -m '#*#' "
	  "-m '*.bak'" },
	{ "no-bak", 0, "not implemented: leave backup files out with -m '*~' -m '#*#' "
	  "-m '*.bak'" },
	{ "no-cache-inodes", 0, "mkimage always finds hard links by device and inode and stores "
	  "their data once (for file systems without unique inode numbers, copy the tree)" },
	{ "debug", 0, "genisoimage's debugging output has no counterpart (use -v)" },
	/* xorriso's recording of disk attributes and output controls. */
	{ "acl", 0, "mkimage records no ACLs (libisofs AAIP is used only for --md5)" },
	{ "xattr", 0, "mkimage records no extended attributes" },
	{ "xattr-any", 0, "mkimage records no extended attributes" },
	{ "for_backup", 0, "implies --acl and --xattr, which mkimage does not record" },
	{ "scdbackup_tag", 2, "scdbackup checksum tags are not written" },
	{ "application_use", 1, "the Application Use field is not settable with libisofs' "
	  "API as mkimage uses it" },
	{ "stdio_sync", 1, "mkimage's writer syncs at the end; the interval is not settable" },
	{ "old-empty", 0, "libisofs' old addresses for empty files are not supported" },
	{ "quoted_path_list", 1, "use -path-list (one path per line, no quoting)" },
	{ "prep-boot", 1, "genisoimage's PReP boot file from the tree: libisofs makes the PReP "
			  "partition from a disk file (use -prep-boot-part FILE)" },
	/* zisofs2 (libisofs 1.5.4 can write it) is not offered: Linux reads version 1 only. */
	{ "zisofs-version-2", 0, "zisofs version 2 is not written (Linux reads version 1 "
				 "only; -z and --zisofs write version 1)" },
	{ "zisofs2-susp-z2", 0, "zisofs version 2 is not written" },
	{ "zisofs2-susp-zf", 0, "zisofs version 2 is not written" },
	/* Classic HFS (genisoimage -hfs and its Apple file options). */
	{ "h", 0, HFS },
	{ "hfs", 0, HFS },
	{ "g", 0, HFS },
	{ "apple", 0, HFS },
	{ "H", 1, HFS },
	{ "map", 1, HFS },
	{ "magic", 1, HFS },
	{ "probe", 0, HFS },
	{ "mac-name", 0, HFS },
	{ "no-mac-files", 0, HFS },
	{ "boot-hfs-file", 1, HFS },
	{ "part", 0, HFS },
	{ "cluster-size", 1, HFS },
	{ "auto", 1, HFS },
	{ "no-desktop", 0, HFS },
	{ "hide-hfs", 1, HFS },
	{ "hide-hfs-list", 1, HFS },
	{ "hfs-volid", 1, HFS },
	{ "icon-position", 0, HFS },
	{ "root-info", 1, HFS },
	{ "input-hfs-charset", 1, HFS },
	{ "output-hfs-charset", 1, HFS },
	{ "hfs-unlock", 0, HFS },
	{ "hfs-parms", 1, HFS },
	{ "hfs-type", 1, HFS },
	{ "hfs-creator", 1, HFS },
	{ "cap", 0, MACFILES },
	{ "netatalk", 0, MACFILES },
	{ "double", 0, MACFILES },
	{ "ethershare", 0, MACFILES },
	{ "exchange", 0, MACFILES },
	{ "sgi", 0, MACFILES },
	{ "macbin", 0, MACFILES },
	{ "single", 0, MACFILES },
	{ "ushare", 0, MACFILES },
	{ "xinet", 0, MACFILES },
	{ "dave", 0, MACFILES },
	{ "sfm", 0, MACFILES },
	{ "osx-double", 0, MACFILES },
	{ "osx-hfs", 0, MACFILES },
	/* Sun x86 boot: genisoimage only, not written by libisofs. */
	{ "sunx86-boot", 1, "libisofs writes no Solaris x86 boot partitions" },
	{ "sunx86-label", 1, "libisofs writes no Solaris x86 disk labels" },
	{ NULL, 0, NULL },
};

const struct mk_refused_option *mk_refused_find(const char *name)
{
	for (const struct mk_refused_option *r = mk_refused_options; r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}
