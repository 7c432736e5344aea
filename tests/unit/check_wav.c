/* Unit tests of common/burn/wav.c: well-formed headers, and hostile ones that must fail cleanly. */
#include <stdint.h>
#include <string.h>

#include "common/burn/wav.h"
#include "tests/unit/unit.h"

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff, p[1] = (v >> 8) & 0xff, p[2] = (v >> 16) & 0xff, p[3] = v >> 24;
	return 4;
}

static size_t put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff, p[1] = v >> 8;
	return 2;
}

/* Builds RIFF/WAVE with a fmt chunk, an optional LIST chunk of odd size, and a data chunk
 * header claiming data_size bytes (the samples themselves are not in buf). */
static size_t make_wav(unsigned char *buf, uint16_t fmt, uint16_t ch, uint32_t rate,
		       uint16_t bits, uint32_t data_size, int list_len)
{
	size_t n = 0;
	memcpy(buf, "RIFF", 4), n += 4;
	n += put32(buf + n, 36 + data_size);
	memcpy(buf + n, "WAVE", 4), n += 4;
	memcpy(buf + n, "fmt ", 4), n += 4;
	n += put32(buf + n, 16);
	n += put16(buf + n, fmt);
	n += put16(buf + n, ch);
	n += put32(buf + n, rate);
	n += put32(buf + n, rate * ch * bits / 8);
	n += put16(buf + n, (uint16_t)(ch * bits / 8));
	n += put16(buf + n, bits);
	if (list_len >= 0) {
		memcpy(buf + n, "LIST", 4), n += 4;
		n += put32(buf + n, (uint32_t)list_len);
		memset(buf + n, 'x', (size_t)list_len + (list_len & 1));
		n += (size_t)list_len + (list_len & 1);
	}
	memcpy(buf + n, "data", 4), n += 4;
	n += put32(buf + n, data_size);
	return n;
}

START_TEST(cd_audio_header_parses)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, IMG_WAV_CD_MIN_BYTES, -1);
	struct img_wav_info wi;
	struct img_error e;
	ck_assert_int_eq(img_wav_parse(buf, n, n + IMG_WAV_CD_MIN_BYTES, &wi, &e), IMG_OK);
	ck_assert_uint_eq(wi.data_offset, 44);
	ck_assert_uint_eq(wi.data_size, IMG_WAV_CD_MIN_BYTES);
	ck_assert_uint_eq(wi.sample_rate, 44100);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_OK);
	/* one frame less than 4 seconds is too short for a CD track */
	n = make_wav(buf, 1, 2, 44100, 16, IMG_WAV_CD_MIN_BYTES - 4, -1);
	ck_assert_int_eq(img_wav_parse(buf, n, n + IMG_WAV_CD_MIN_BYTES - 4, &wi, &e), IMG_OK);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "4 seconds"));
}
END_TEST

START_TEST(odd_chunk_before_data_is_skipped_with_padding)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, 8, 5);
	struct img_wav_info wi;
	struct img_error e;
	ck_assert_int_eq(img_wav_parse(buf, n, n + 8, &wi, &e), IMG_OK);
	ck_assert_uint_eq(wi.data_offset, n);
}
END_TEST

START_TEST(wrong_format_is_rejected_by_name)
{
	unsigned char buf[256];
	struct img_wav_info wi;
	struct img_error e;
	size_t n = make_wav(buf, 1, 1, 44100, 16, 8, -1);
	ck_assert_int_eq(img_wav_parse(buf, n, n + 8, &wi, &e), IMG_OK);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "channels"));
	n = make_wav(buf, 1, 2, 48000, 16, 8, -1);
	img_wav_parse(buf, n, n + 8, &wi, &e);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "48000 Hz"));
	n = make_wav(buf, 1, 2, 44100, 24, 12, -1);
	img_wav_parse(buf, n, n + 12, &wi, &e);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "24 bits"));
	n = make_wav(buf, 3, 2, 44100, 16, 8, -1);
	img_wav_parse(buf, n, n + 8, &wi, &e);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "not PCM"));
}
END_TEST

START_TEST(data_longer_than_file_is_corrupt)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, 4000, -1);
	struct img_wav_info wi;
	struct img_error e;
	ck_assert_int_eq(img_wav_parse(buf, n, n + 3996, &wi, &e), IMG_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(e.detail, "claims 4000 bytes"));
}
END_TEST

START_TEST(partial_frame_is_corrupt)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, 4001, -1);
	struct img_wav_info wi;
	struct img_error e;
	ck_assert_int_eq(img_wav_parse(buf, n, n + 4001, &wi, &e), IMG_ECORRUPT);
}
END_TEST

START_TEST(truncated_headers_fail_at_every_length)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, 0, 3);
	struct img_wav_info wi;
	struct img_error e;
	/* every strict prefix of the header, as a whole file, must fail without reading past it
	 * (ASan watches the copies) */
	for (size_t len = 0; len < n; len++) {
		unsigned char *copy = malloc(len ? len : 1);
		memcpy(copy, buf, len);
		int rc = img_wav_parse(copy, len, len, &wi, &e);
		ck_assert_msg(rc == IMG_ECORRUPT, "length %zu gave %d", len, rc);
		free(copy);
	}
	ck_assert_int_eq(img_wav_parse(buf, n, n, &wi, &e), IMG_OK);
}
END_TEST

START_TEST(hostile_sizes_do_not_wrap)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, 8, -1);
	struct img_wav_info wi;
	struct img_error e;
	/* fmt chunk claiming 4 GiB */
	unsigned char bad[256];
	memcpy(bad, buf, n);
	put32(bad + 16, 0xffffffffu);
	ck_assert_int_eq(img_wav_parse(bad, n, n + 8, &wi, &e), IMG_ECORRUPT);
	/* fmt chunk too small */
	memcpy(bad, buf, n);
	put32(bad + 16, 8);
	ck_assert_int_ne(img_wav_parse(bad, n, n + 8, &wi, &e), IMG_OK);
	/* zero channels */
	memcpy(bad, buf, n);
	put16(bad + 22, 0);
	ck_assert_int_eq(img_wav_parse(bad, n, n + 8, &wi, &e), IMG_ECORRUPT);
	/* not RIFF */
	memcpy(bad, buf, n);
	bad[0] = 'X';
	ck_assert_int_eq(img_wav_parse(bad, n, n + 8, &wi, &e), IMG_ECORRUPT);
	/* header longer than the file it claims to be */
	ck_assert_int_eq(img_wav_parse(buf, n, n - 1, &wi, &e), IMG_EINVAL);
}
END_TEST

START_TEST(data_chunk_beyond_header_window_is_unsupported)
{
	unsigned char buf[256];
	size_t n = make_wav(buf, 1, 2, 44100, 16, 8, 100);
	struct img_wav_info wi;
	struct img_error e;
	/* only the first 60 bytes given, the LIST chunk runs past them, the file goes on */
	ck_assert_int_eq(img_wav_parse(buf, 60, n + 8, &wi, &e), IMG_EUNSUPPORTED);
}
END_TEST

START_TEST(extensible_format_resolves_to_pcm)
{
	unsigned char buf[256];
	size_t n = 0;
	memcpy(buf, "RIFF", 4), n += 4;
	n += put32(buf + n, 0);
	memcpy(buf + n, "WAVE", 4), n += 4;
	memcpy(buf + n, "fmt ", 4), n += 4;
	n += put32(buf + n, 40);
	n += put16(buf + n, 0xfffe);
	n += put16(buf + n, 2);
	n += put32(buf + n, 44100);
	n += put32(buf + n, 176400);
	n += put16(buf + n, 4);
	n += put16(buf + n, 16);
	n += put16(buf + n, 22);
	n += put16(buf + n, 16);
	n += put32(buf + n, 3);
	n += put16(buf + n, 1); /* subformat GUID starts with the PCM tag */
	memset(buf + n, 0, 14), n += 14;
	memcpy(buf + n, "data", 4), n += 4;
	n += put32(buf + n, IMG_WAV_CD_MIN_BYTES);
	struct img_wav_info wi;
	struct img_error e;
	ck_assert_int_eq(img_wav_parse(buf, n, n + IMG_WAV_CD_MIN_BYTES, &wi, &e), IMG_OK);
	ck_assert_int_eq(img_wav_check_cdda(&wi, &e), IMG_OK);
}
END_TEST

static Suite *wav_suite(void)
{
	Suite *s = suite_create("wav");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, cd_audio_header_parses);
	tcase_add_test(tc, odd_chunk_before_data_is_skipped_with_padding);
	tcase_add_test(tc, wrong_format_is_rejected_by_name);
	tcase_add_test(tc, data_longer_than_file_is_corrupt);
	tcase_add_test(tc, partial_frame_is_corrupt);
	tcase_add_test(tc, truncated_headers_fail_at_every_length);
	tcase_add_test(tc, hostile_sizes_do_not_wrap);
	tcase_add_test(tc, data_chunk_beyond_header_window_is_unsupported);
	tcase_add_test(tc, extensible_format_resolves_to_pcm);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(wav_suite)
