/* RIFF/WAVE header parser for CD-DA audio tracks.  Input is hostile: every chunk length and
 * offset is checked against the bytes given and against the file size. */
#ifndef IMG_WAV_H
#define IMG_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

/* How many leading bytes of a file img_wav_parse wants to see: chunks before "data" (LIST,
 * fact, ...) must end within them. */
#define IMG_WAV_HEADER_MAX 65536

struct img_wav_info {
	uint16_t format;          /* 1 = PCM (WAVE_FORMAT_EXTENSIBLE is resolved to its subformat) */
	uint16_t channels;
	uint32_t sample_rate;     /* Hz */
	uint32_t byte_rate;
	uint16_t block_align;     /* bytes per sample frame */
	uint16_t bits_per_sample;
	uint64_t data_offset;     /* where the samples start in the file */
	uint64_t data_size;       /* bytes of samples */
};

/* Parses the header of a WAVE file: buf holds its first len bytes, file_size is the size of the
 * whole file (len <= file_size).  Fills *out.  Errors (detail names the chunk and offset):
 * IMG_ECORRUPT for a malformed or truncated header, IMG_EUNSUPPORTED when the data chunk does not
 * start within the bytes given. */
int img_wav_parse(const unsigned char *buf, size_t len, uint64_t file_size,
		  struct img_wav_info *out, struct img_error *err);

/* Shortest CD-DA track: 4 seconds, 300 sectors of 2352 bytes (Red Book). */
#define IMG_WAV_CD_MIN_BYTES (300 * 2352)

/* Checks that the audio is CD-DA: PCM, 44100 Hz, 16 bits, 2 channels, at least 4 seconds.
 * IMG_EUNSUPPORTED with the offending property in the detail otherwise. */
int img_wav_check_cdda(const struct img_wav_info *info, struct img_error *err);

#endif
