/* File systems and room for an image from the medium in a drive (IMAPI2's ChooseImageDefaults:
 * CD: ISO 9660 + Joliet; DVD: + UDF 1.02; BD: + UDF 2.50). */
#include "common/burn/media.h"

#include <stdio.h>
#include <string.h>

#include "common/udf/udf.h"

static enum img_media_kind kind_of(const struct img_drive_info *in)
{
	if (in->is_stdio)
		return IMG_MEDIA_KIND_OTHER;
	/* MMC profiles: 0x08-0x0a CD, 0x10-0x2b DVD (HD DVD 0x50-0x5a is not written by
	 * libburn), 0x40-0x43 BD */
	int p = in->media_profile;
	if (p >= 0x08 && p <= 0x0a)
		return IMG_MEDIA_KIND_CD;
	if (p >= 0x10 && p <= 0x2b)
		return IMG_MEDIA_KIND_DVD;
	if (p >= 0x40 && p <= 0x43)
		return IMG_MEDIA_KIND_BD;
	return IMG_MEDIA_KIND_OTHER;
}

int img_media_defaults(const char *address, struct img_media_defaults *out,
		       struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->address, sizeof(out->address), "%s", address);
	struct img_drive *d = NULL;
	int rc = img_drive_open(address, false, &d, err);
	if (rc != IMG_OK)
		return rc;
	struct img_drive_info in;
	img_drive_get_info(d, &in);
	img_drive_close(d, false);
	snprintf(out->profile, sizeof(out->profile), "%s",
		 in.media_profile_name[0] ? in.media_profile_name : "unknown medium");
	out->kind = kind_of(&in);
	switch (in.media_state) {
	case IMG_MEDIA_BLANK:
		break;
	case IMG_MEDIA_NONE:
		return img_error_set(err, IMG_EDRIVE, "%s: no medium in the drive", address);
	case IMG_MEDIA_CLOSED:
		return img_error_set(err, IMG_EDRIVE, "%s: the %s is closed: nothing more can be "
				     "written to it", address, out->profile);
	case IMG_MEDIA_APPENDABLE:
		if (!in.is_stdio)
			return img_error_set(err, IMG_EUNSUPPORTED, "%s: the %s holds data already: "
					     "an image for its next session needs multisession, "
					     "which mkimage does not make yet", address,
					     out->profile);
		break; /* a stdio: file with data is overwritten from its start */
	default:
		return img_error_set(err, IMG_EDRIVE, "%s: libburn cannot write the %s (%s)",
				     address, out->profile, img_media_state_name(in.media_state));
	}
	if (in.free_bytes < 0)
		return img_error_set(err, IMG_EDRIVE, "%s: the drive does not say how much the %s "
				     "holds", address, out->profile);
	out->free_blocks = in.free_bytes / 2048;
	out->udf_revision = out->kind == IMG_MEDIA_KIND_DVD ? IMG_UDF_REV_102
			    : out->kind == IMG_MEDIA_KIND_BD ? IMG_UDF_REV_250 : 0;
	return IMG_OK;
}
