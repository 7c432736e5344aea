/* libFuzzer target: the session scan of a grown image (libisoburn's TOC emulation) and
 * reading every session's volume descriptors through the session-selected source. */
#include <stdint.h>
#include <stdlib.h>

#include "common/inspect/sessions.h"
#include "common/inspect/source.h"
#include "common/inspect/voldesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct img_vdset set;
	struct img_error err = {0};
	struct img_source *src;
	if (img_source_from_memory(data, size, &src) != IMG_OK)
		return 0;
	struct img_session_toc toc;
	if (img_sessions_scan(src, &toc, &err) == IMG_OK) {
		for (int n = 1; n <= toc.count; n++) {
			uint32_t head;
			uint64_t end;
			struct img_source *s;
			if (img_session_head(&toc, n, &head, &end, &err) != IMG_OK ||
			    img_source_from_memory(data, size, &s) != IMG_OK)
				continue;
			if (img_source_select_session(s, (uint64_t)head * 2048, end, &err) == IMG_OK)
				img_vd_read(s, &set, &err);
			img_source_close(s);
		}
		img_sessions_free(&toc);
	}
	img_source_close(src);
	return 0;
}
