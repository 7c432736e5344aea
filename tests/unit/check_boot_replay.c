/* Unit tests of common/build/boot_replay.c: the boot configuration replayed from images that
 * xorriso -as mkisofs made with the usual boot lines (xorriso's own El Torito and system area
 * writer, not ours, is the input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/build/boot_replay.h"
#include "common/inspect/source.h"
#include "tests/unit/unit.h"

static char dir[64];

static void make_tree(void)
{
	snprintf(dir, sizeof(dir), "/tmp/unit-replay.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p t/isolinux; cp /usr/lib/ISOLINUX/isolinux.bin t/isolinux/;"
		 "mkfs.vfat -C t/efi.img 1440 >/dev/null; mkfs.vfat -C esp.img 2880 >/dev/null;"
		 "head -c 1474560 /dev/zero >t/floppy.img;"
		 "printf '\\125\\252' | dd of=t/floppy.img bs=1 seek=510 conv=notrunc status=none;"
		 "head -c 5000 /dev/urandom >t/grub.img; echo data >t/a.txt", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void remove_tree(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Makes DIR/NAME.iso with xorriso -as mkisofs ARGS and replays it into cfg; returns the
 * replay's result (err filled). */
static int replay(const char *name, const char *args, struct img_boot_config *cfg,
		  struct img_error *err, char *path, size_t path_len)
{
	char cmd[2048];
	snprintf(path, path_len, "%s/%s.iso", dir, name);
	snprintf(cmd, sizeof(cmd), "cd %s && xorriso -as mkisofs -R -J -o %s %s t >/dev/null 2>&1",
		 dir, path, args);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	struct img_source *src = NULL;
	ck_assert_int_eq(img_source_open(path, NULL, &src, err), IMG_OK);
	img_boot_config_init(cfg);
	int rc = img_boot_replay(src, path, cfg, err);
	img_source_close(src);
	return rc;
}

START_TEST(isolinux_efi_isohybrid_gpt)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256], want[512];
	ck_assert_int_eq(replay("hyb",
				"-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot "
				"-boot-load-size 4 -boot-info-table -isohybrid-mbr "
				"/usr/lib/ISOLINUX/isohdpfx.bin -eltorito-alt-boot -e efi.img "
				"-no-emul-boot -isohybrid-gpt-basdat",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert_uint_eq(c.n_entries, 2);
	ck_assert_str_eq(c.entries[0].image_path, "/isolinux/isolinux.bin");
	ck_assert_int_eq(c.entries[0].platform, 0);
	ck_assert_int_eq(c.entries[0].emul, IMG_BOOT_EMUL_NONE);
	ck_assert_int_eq(c.entries[0].load_size, 4);
	ck_assert(c.entries[0].info_table);
	ck_assert(!c.entries[0].grub2_info);
	ck_assert_str_eq(c.entries[1].image_path, "/efi.img");
	ck_assert(c.entries[1].efi);
	ck_assert_int_eq(c.entries[1].platform, 0xef);
	ck_assert_int_eq(c.entries[1].load_size, -1); /* whole file, as the old entry loaded */
	ck_assert(!c.entries[1].info_table);
	ck_assert_int_eq(c.entries[1].isohybrid_gpt, 1); /* Basic Data GPT entry of its own */
	ck_assert_str_eq(c.catalog_path, "/isolinux/boot.cat");
	ck_assert(!c.catalog_hidden);
	ck_assert_int_eq(c.mbr_kind, IMG_BOOT_MBR_ISOHYBRID);
	snprintf(want, sizeof(want), "--interval:local_fs:0d-63d:zero_mbrpt,zero_gpt:%s", path);
	ck_assert_str_eq(c.mbr_file, want);
	ck_assert(c.mbr_force_bootable);
	ck_assert_int_eq(c.cyl_align, IMG_BOOT_CYL_ON);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(appended_esp_and_efi_image_in_it)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256], want[512];
	ck_assert_int_eq(replay("esp",
				"-b isolinux/isolinux.bin -no-emul-boot -boot-info-table "
				"-append_partition 2 0xef esp.img -eltorito-alt-boot "
				"-e --interval:appended_partition_2:all:: -no-emul-boot",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert_uint_eq(c.n_entries, 2);
	ck_assert_ptr_nonnull(strstr(c.entries[1].image_path,
				     "--interval:appended_partition_2_start_"));
	ck_assert_int_eq(c.entries[1].load_size, 2880 * 2);
	ck_assert_int_eq(c.partitions[1].number, 2);
	ck_assert_int_eq(c.partitions[1].mbr_type, 0xef);
	/* the partition's bytes: 2880 KiB right after the volume (its end in 512-byte blocks) */
	unsigned long long first = 0, last = 0;
	ck_assert_int_eq(sscanf(c.partitions[1].path, "--interval:local_fs:%llud-%llud::", &first,
				&last), 2);
	ck_assert_uint_eq(last - first + 1, 2880 * 2);
	snprintf(want, sizeof(want), "::%s", path);
	ck_assert_ptr_nonnull(strstr(c.partitions[1].path, want));
	ck_assert_int_eq(c.partitions[0].number, 0);
	ck_assert(!c.appended_as_gpt);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(esp_in_gpt)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("espgpt",
				"-b isolinux/isolinux.bin -no-emul-boot -append_partition 2 "
				"C12A7328-F81F-11D2-BA4B-00A0C93EC93B esp.img -appended_part_as_gpt "
				"-eltorito-alt-boot -e --interval:appended_partition_2:all:: "
				"-no-emul-boot",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert(c.appended_as_gpt);
	ck_assert_int_eq(c.partitions[1].number, 2);
	ck_assert(c.partitions[1].has_type_guid);
	static const uint8_t esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
	ck_assert_mem_eq(c.partitions[1].type_guid, esp, 16);
	/* libisofs's "Gap1" filler after it is not a partition to copy */
	ck_assert_int_eq(c.partitions[2].number, 0);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(floppy_and_hard_disk_emulation)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("emul",
				"-b floppy.img -c boot.cat -eltorito-alt-boot -hard-disk-boot "
				"-b floppy.img -eltorito-alt-boot -b grub.img -no-emul-boot "
				"-boot-load-size 7 -eltorito-id sectwo",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert_uint_eq(c.n_entries, 3);
	ck_assert_int_eq(c.entries[0].emul, IMG_BOOT_EMUL_FLOPPY);
	ck_assert_int_eq(c.entries[0].load_size, 1);
	ck_assert_int_eq(c.entries[1].emul, IMG_BOOT_EMUL_HARD_DISK);
	ck_assert_str_eq(c.entries[1].image_path, "/floppy.img");
	ck_assert_int_eq(c.entries[2].emul, IMG_BOOT_EMUL_NONE);
	ck_assert_int_eq(c.entries[2].load_size, 7);
	ck_assert(c.entries[2].has_id);
	ck_assert_str_eq(c.entries[2].id_string, "sectwo");
	ck_assert_str_eq(c.catalog_path, "/boot.cat");
	ck_assert_int_eq(c.mbr_kind, IMG_BOOT_MBR_NONE);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(grub2_mbr_info_table_and_protective_label)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("grub2",
				"-b grub.img -no-emul-boot -boot-load-size 4 -boot-info-table "
				"--grub2-boot-info --protective-msdos-label "
				"--grub2-mbr /usr/lib/grub/i386-pc/boot.img",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert_uint_eq(c.n_entries, 1);
	ck_assert(c.entries[0].info_table);
	ck_assert(c.entries[0].grub2_info);
	ck_assert_int_eq(c.mbr_kind, IMG_BOOT_MBR_GRUB2);
	ck_assert(c.protective_msdos);
	ck_assert_int_eq(c.iso_mbr_part_type, -1);
	ck_assert_int_eq(c.cyl_align, IMG_BOOT_CYL_OFF);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(hidden_catalog_and_esp_from_eltorito)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("efip",
				"-b isolinux/isolinux.bin -no-emul-boot --boot-catalog-hide "
				"-eltorito-alt-boot -e efi.img -no-emul-boot -efi-boot-part "
				"--efi-boot-image",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert(c.catalog_hidden);
	ck_assert(c.efi_boot_part_from_eltorito);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(plain_image_replays_nothing)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("plain", "", &c, &e, path, sizeof(path)), IMG_OK);
	ck_assert(!img_boot_config_active(&c));
	img_boot_config_free(&c);
}
END_TEST

START_TEST(hidden_boot_image_is_cut_out_of_the_old_image)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("hidden", "-hide grub.img -b grub.img -no-emul-boot -boot-info-table",
				&c, &e, path, sizeof(path)),
			 IMG_OK);
	ck_assert_uint_eq(c.n_entries, 1);
	ck_assert_str_eq(c.entries[0].image_path, "/.boot-replay-1.img");
	ck_assert_ptr_nonnull(c.entries[0].cut_source);
	ck_assert_str_eq(c.entries[0].cut_source, path); /* dir is absolute */
	ck_assert_uint_eq(c.entries[0].cut_size, 5000);  /* the boot info table's length */
	ck_assert_uint_eq(c.entries[0].cut_offset % 2048, 0);
	ck_assert(c.entries[0].info_table);
	img_boot_config_free(&c);
}
END_TEST

START_TEST(hidden_hard_disk_image_fails)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("hiddenhd", "-hide floppy.img -hard-disk-boot -b floppy.img", &c, &e,
				path, sizeof(path)),
			 IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "El Torito entry 1 (BIOS) boots block"));
	ck_assert_ptr_nonnull(strstr(e.detail, "hard-disk emulation"));
	img_boot_config_free(&c);
}
END_TEST

START_TEST(hfsplus_fails)
{
	struct img_boot_config c;
	struct img_error e = {0};
	char path[256];
	ck_assert_int_eq(replay("hfs", "-hfsplus -b isolinux/isolinux.bin -no-emul-boot", &c, &e,
				path, sizeof(path)),
			 IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "HFS+"));
	img_boot_config_free(&c);
}
END_TEST

START_TEST(pipe_cannot_give_byte_ranges)
{
	struct img_error e = {0};
	char path[256], cmd[1024];
	snprintf(path, sizeof(path), "%s/p.iso", dir);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && xorriso -as mkisofs -o %s -b grub.img -no-emul-boot --grub2-mbr "
		 "/usr/lib/grub/i386-pc/boot.img t >/dev/null 2>&1", dir, path);
	ck_assert_int_eq(system(cmd), 0);
	struct img_source *src = NULL;
	ck_assert_int_eq(img_source_open(path, NULL, &src, &e), IMG_OK);
	struct img_boot_config c;
	img_boot_config_init(&c);
	ck_assert_int_eq(img_boot_replay(src, NULL, &c, &e), IMG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(e.detail, "the system area must be copied"));
	img_source_close(src);
	img_boot_config_free(&c);
}
END_TEST

static Suite *boot_replay_suite(void)
{
	Suite *s = suite_create("boot_replay");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_add_test(tc, isolinux_efi_isohybrid_gpt);
	tcase_add_test(tc, appended_esp_and_efi_image_in_it);
	tcase_add_test(tc, esp_in_gpt);
	tcase_add_test(tc, floppy_and_hard_disk_emulation);
	tcase_add_test(tc, grub2_mbr_info_table_and_protective_label);
	tcase_add_test(tc, hidden_catalog_and_esp_from_eltorito);
	tcase_add_test(tc, plain_image_replays_nothing);
	tcase_add_test(tc, hidden_boot_image_is_cut_out_of_the_old_image);
	tcase_add_test(tc, hidden_hard_disk_image_fails);
	tcase_add_test(tc, hfsplus_fails);
	tcase_add_test(tc, pipe_cannot_give_byte_ranges);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(boot_replay_suite)
