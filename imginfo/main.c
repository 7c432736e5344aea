/* imginfo: inspect ISO 9660 / Joliet / Rock Ridge / El Torito / hybrid disc images. */
#include <stdlib.h>

#include "common/base/libversion.h"
#include "common/cli/cli.h"
#include "common/inspect/source.h"
#include "imginfo/map.h"
#include "imginfo/diff.h"
#include "imginfo/options.h"
#include "imginfo/report.h"
#include "imginfo/sessions.h"

int main(int argc, char **argv)
{
	img_cli_init(argv[0]);
	struct imginfo_opts o;
	int rc = imginfo_options(argc, (const char **)argv, &o);
	if (rc != 0)
		return rc < 0 ? IMG_EXIT_OK : rc;

	struct img_source *src;
	struct img_error err = {0};
	bool compatible;
	rc = img_libisofs_check(&compatible, &err);
	if ((rc = img_cli_libs_verdict(rc, compatible, &err)) >= 0)
		return rc;
	if (o.mode == MODE_DIFF)
		return imginfo_diff(&o);
	/* TMPDIR is read here and passed in: the library never reads the environment. */
	if (img_source_open(o.image, getenv("TMPDIR"), &src, &err) != IMG_OK) {
		img_cli_error("cannot open image", &err);
		return IMG_EXIT_USAGE;
	}
	if ((rc = imginfo_select_session(src, &o)) >= 0) {
		img_source_close(src);
		return rc;
	}
	switch (o.mode) {
	case MODE_SESSIONS: rc = imginfo_sessions(src, &o); break;
	case MODE_LIST: rc = imginfo_list(src, &o); break;
	case MODE_EXTRACT: rc = imginfo_extract(src, &o); break;
	case MODE_CHECK: rc = imginfo_check(src, &o); break;
	case MODE_MAP: rc = imginfo_map(src, &o); break;
	default: rc = imginfo_summary(src, &o); break;
	}
	img_source_close(src);
	return rc;
}
