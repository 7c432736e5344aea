/* RIFF/WAVE header parser (Microsoft RIFF spec, "WAVE" form; fmt and data chunks). */
#include "common/burn/wav.h"
#include "common/base/bytes.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#define WAVE_FORMAT_PCM 0x0001
#define WAVE_FORMAT_EXTENSIBLE 0xFFFE

static int parse_fmt(const unsigned char *p, uint32_t size, size_t off, struct img_wav_info *out,
		     struct img_error *err)
{
	if (size < 16)
		return img_error_set(err, IMG_ECORRUPT,
				     "fmt chunk at offset %zu has %" PRIu32 " bytes, needs 16",
				     off, size);
	out->format = img_le16(p);
	out->channels = img_le16(p + 2);
	out->sample_rate = img_le32(p + 4);
	out->byte_rate = img_le32(p + 8);
	out->block_align = img_le16(p + 12);
	out->bits_per_sample = img_le16(p + 14);
	/* WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) then a GUID whose first two
	 * bytes are the real format tag. */
	if (out->format == WAVE_FORMAT_EXTENSIBLE) {
		if (size < 40)
			return img_error_set(err, IMG_ECORRUPT,
					     "extensible fmt chunk at offset %zu has %" PRIu32
					     " bytes, needs 40", off, size);
		out->format = img_le16(p + 24);
	}
	if (out->channels == 0 || out->block_align == 0 || out->bits_per_sample == 0)
		return img_error_set(err, IMG_ECORRUPT,
				     "fmt chunk at offset %zu: zero channels, block size or sample size",
				     off);
	return IMG_OK;
}

int img_wav_parse(const unsigned char *buf, size_t len, uint64_t file_size,
		  struct img_wav_info *out, struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	if (len > file_size)
		return img_error_set(err, IMG_EINVAL, "header longer than file");
	if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0)
		return img_error_set(err, IMG_ECORRUPT, "not a RIFF WAVE file");

	/* The RIFF size may be wrong in files written by streaming tools; the file size is what
	 * bounds every chunk, so it is not trusted. */
	bool have_fmt = false;
	size_t pos = 12;
	for (;;) {
		if ((uint64_t)pos + 8 > file_size)
			break;
		if (pos + 8 > len)
			return img_error_set(err, IMG_EUNSUPPORTED,
					     "data chunk does not start within the first %zu bytes",
					     len);
		const unsigned char *id = buf + pos;
		uint32_t size = img_le32(buf + pos + 4);
		size_t body = pos + 8;
		if (memcmp(id, "fmt ", 4) == 0) {
			if (have_fmt)
				return img_error_set(err, IMG_ECORRUPT,
						     "second fmt chunk at offset %zu", pos);
			if (size > len - body)
				return img_error_set(err, IMG_ECORRUPT,
						     "fmt chunk at offset %zu runs past the header "
						     "(%" PRIu32 " bytes)", pos, size);
			int rc = parse_fmt(buf + body, size, pos, out, err);
			if (rc != IMG_OK)
				return rc;
			have_fmt = true;
		} else if (memcmp(id, "data", 4) == 0) {
			if (!have_fmt)
				return img_error_set(err, IMG_ECORRUPT,
						     "data chunk at offset %zu before any fmt chunk",
						     pos);
			if ((uint64_t)size > file_size - body)
				return img_error_set(err, IMG_ECORRUPT,
						     "data chunk at offset %zu claims %" PRIu32
						     " bytes, the file has %" PRIu64 " after it",
						     pos, size, file_size - body);
			if (size % out->block_align != 0)
				return img_error_set(err, IMG_ECORRUPT,
						     "data chunk at offset %zu: %" PRIu32
						     " bytes is not a whole number of %u-byte frames",
						     pos, size, out->block_align);
			out->data_offset = body;
			out->data_size = size;
			return IMG_OK;
		}
		/* Chunks are padded to an even length (RIFF spec). */
		uint64_t next = (uint64_t)body + size + (size & 1);
		if (next > file_size)
			return img_error_set(err, IMG_ECORRUPT,
					     "chunk '%.4s' at offset %zu runs past the end of the file",
					     (const char *)id, pos);
		pos = (size_t)next;
	}
	return img_error_set(err, IMG_ECORRUPT, have_fmt ? "no data chunk" : "no fmt chunk");
}

int img_wav_check_cdda(const struct img_wav_info *info, struct img_error *err)
{
	if (info->format != WAVE_FORMAT_PCM)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "format 0x%04x is not PCM; CD audio needs 16-bit PCM",
				     info->format);
	if (info->sample_rate != 44100)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "%" PRIu32 " Hz; CD audio needs 44100 Hz", info->sample_rate);
	if (info->bits_per_sample != 16)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "%u bits per sample; CD audio needs 16", info->bits_per_sample);
	if (info->channels != 2)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "%u channels; CD audio needs 2 (stereo)", info->channels);
	if (info->block_align != 4)
		return img_error_set(err, IMG_ECORRUPT,
				     "block align %u; 16-bit stereo needs 4", info->block_align);
	/* Red Book: a track lasts at least 4 seconds (300 sectors of 2352 bytes) */
	if (info->data_size < IMG_WAV_CD_MIN_BYTES)
		return img_error_set(err, IMG_EUNSUPPORTED,
				     "%" PRIu64 " bytes of audio; a CD track needs at least 4 seconds "
				     "(%d bytes)", info->data_size, IMG_WAV_CD_MIN_BYTES);
	return IMG_OK;
}
