/* libFuzzer target: volume descriptor set, UDF recognition sequence, Rock Ridge signature
 * and the directory walk of the primary and Joliet trees, over the input as an image. */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/source.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/voldesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct img_vdset set;
	struct img_error err = {0};
	struct img_source *src;
	if (img_source_from_memory(data, size, &src) != IMG_OK)
		return 0;
	if (img_vd_read(src, &set, &err) == IMG_OK) {
		for (int i = 0; i < set.count; i++) {
			const struct img_vd *v = &set.vd[i];
			if (v->kind != IMG_VD_PRIMARY && v->kind != IMG_VD_JOLIET)
				continue;
			struct img_dirscan scan;
			img_iso_scan(src, v, &scan, &err);
			char rr[16];
			img_vd_rock_ridge(src, v, rr, &err);
		}
	}
	img_source_close(src);
	return 0;
}
