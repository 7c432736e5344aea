/* imginfo's reports: summary, listing, extraction and checks, as JSON or text. */
#include "imginfo/report.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "common/cli/cli.h"
#include "common/inspect/check.h"
#include "common/inspect/eltorito.h"
#include "common/inspect/extract.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/sysarea.h"
#include "common/inspect/filetree.h"
#include "common/udf/udf_read.h"
#include "common/inspect/verify.h"
#include "common/inspect/voldesc.h"

/* ---- output ---- */

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static void print_text(json_object *o, int indent, FILE *f);

static void print_scalar(json_object *v, FILE *f)
{
	switch (json_object_get_type(v)) {
	case json_type_null: fputs("none", f); break;
	case json_type_boolean: fputs(json_object_get_boolean(v) ? "yes" : "no", f); break;
	case json_type_string: fputs(json_object_get_string(v), f); break;
	default: fputs(json_object_to_json_string(v), f); break;
	}
}

static bool is_compound(json_object *v)
{
	json_type t = json_object_get_type(v);
	return (t == json_type_object && json_object_object_length(v) > 0) ||
	       (t == json_type_array && json_object_array_length(v) > 0);
}

/* Text form of a report: "key: value" lines, nested objects indented, array items "- ". */
static void print_text(json_object *o, int indent, FILE *f)
{
	if (json_object_get_type(o) == json_type_array) {
		size_t n = json_object_array_length(o);
		for (size_t i = 0; i < n; i++) {
			json_object *v = json_object_array_get_idx(o, i);
			fprintf(f, "%*s-", indent, "");
			if (is_compound(v)) {
				fputc('\n', f);
				print_text(v, indent + 2, f);
			} else {
				fputc(' ', f);
				print_scalar(v, f);
				fputc('\n', f);
			}
		}
		return;
	}
	json_object_object_foreach(o, key, v) {
		fprintf(f, "%*s%s:", indent, "", key);
		if (is_compound(v)) {
			fputc('\n', f);
			print_text(v, indent + 2, f);
		} else {
			fputc(' ', f);
			if (json_object_get_type(v) == json_type_array ||
			    json_object_get_type(v) == json_type_object)
				fputs("none", f);
			else
				print_scalar(v, f);
			fputc('\n', f);
		}
	}
}

static void emit(json_object *o, bool json)
{
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_SPACED |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_text(o, 0, stdout);
	fflush(stdout);
}

/* Reports a structural error: on stderr now, and in the "errors" array of the report. */
static void report_error(json_object *errors, const char *what, const struct img_error *e)
{
	img_cli_error(what, e);
	char buf[1200];
	snprintf(buf, sizeof(buf), "%s: %s", what, e->detail[0] ? e->detail :
		 img_strerror(e->code));
	json_object_array_add(errors, json_object_new_string(buf));
}

static int exit_for(int code)
{
	switch (code) {
	case IMG_OK: return IMG_EXIT_OK;
	case IMG_ECORRUPT: case IMG_ENOENT: case IMG_EINVAL: case IMG_EUNSUPPORTED:
	case IMG_ELOOP:
		return IMG_EXIT_USAGE;
	default:
		return IMG_EXIT_FAIL;
	}
}

/* ---- summary ---- */

static json_object *vd_json(const struct img_vd *v)
{
	json_object *o = json_object_new_object();
	add_int(o, "sector", v->sector);
	add_int(o, "type", v->type);
	add_str(o, "kind", img_vd_kind_name(v->kind));
	add_int(o, "version", v->version);
	if (v->kind == IMG_VD_BOOT) {
		add_str(o, "boot_system_id", v->boot_system_id);
		if (v->el_torito)
			add_int(o, "boot_catalog_sector", v->boot_catalog);
		return o;
	}
	if (v->kind != IMG_VD_PRIMARY && v->kind != IMG_VD_JOLIET && v->kind != IMG_VD_ISO1999 &&
	    v->kind != IMG_VD_SUPPLEMENTARY)
		return o;
	add_str(o, "system_id", v->system_id);
	add_str(o, "volume_id", v->volume_id);
	add_str(o, "volume_set_id", v->volume_set_id);
	add_str(o, "publisher_id", v->publisher_id);
	add_str(o, "preparer_id", v->preparer_id);
	add_str(o, "application_id", v->application_id);
	add_str(o, "copyright_file", v->copyright_file);
	add_str(o, "abstract_file", v->abstract_file);
	add_str(o, "bibliographic_file", v->biblio_file);
	add_int(o, "volume_space_size", v->volume_space_size);
	add_int(o, "logical_block_size", v->block_size);
	add_int(o, "volume_set_size", v->set_size);
	add_int(o, "volume_sequence_number", v->seq_number);
	add_int(o, "path_table_size", v->path_table_size);
	add_int(o, "root_extent", v->root_extent);
	add_int(o, "root_size", v->root_size);
	add_str(o, "created", v->created);
	add_str(o, "modified", v->modified);
	add_str(o, "expires", v->expires);
	add_str(o, "effective", v->effective);
	add_int(o, "file_structure_version", v->file_structure_version);
	if (v->kind == IMG_VD_JOLIET)
		add_int(o, "joliet_level", v->joliet_level);
	return o;
}

static json_object *eltorito_json(const struct img_boot_catalog *c)
{
	json_object *o = json_object_new_object();
	add_int(o, "catalog_sector", c->sector);
	add_str(o, "platform", img_eltorito_platform_name(c->platform));
	add_int(o, "platform_id", c->platform);
	add_str(o, "id", c->id);
	json_object *a = json_object_new_array();
	for (int i = 0; i < c->count; i++) {
		const struct img_boot_entry *e = &c->entries[i];
		json_object *x = json_object_new_object();
		add_int(x, "index", e->index);
		add_int(x, "section", e->section);
		add_str(x, "platform", img_eltorito_platform_name(e->platform));
		add_int(x, "platform_id", e->platform);
		add_bool(x, "bootable", e->bootable);
		add_str(x, "emulation", img_eltorito_emulation_name(e->emulation));
		add_int(x, "load_segment", e->load_segment);
		add_int(x, "system_type", e->system_type);
		add_int(x, "sector_count", e->sector_count);
		add_int(x, "load_lba", e->load_rba);
		add_int(x, "image_size", (int64_t)e->image_size);
		add_bool(x, "boot_info_table", e->info_table);
		if (e->info_table) {
			add_int(x, "boot_info_table_length", e->info_table_length);
			add_bool(x, "boot_info_table_checksum_ok", e->info_table_csum_ok);
		}
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "entries", a);
	return o;
}

static json_object *sysarea_json(const struct img_sysarea *s)
{
	json_object *o = json_object_new_object();
	if (s->mbr) {
		json_object *m = json_object_new_object();
		char sig[16];
		snprintf(sig, sizeof(sig), "0x%08x", s->mbr_signature);
		add_str(m, "disk_signature", sig);
		json_object *a = json_object_new_array();
		for (int i = 0; i < s->mbr_count; i++) {
			const struct img_mbr_part *p = &s->mbr_parts[i];
			json_object *x = json_object_new_object();
			char type[8];
			snprintf(type, sizeof(type), "0x%02x", p->type);
			add_int(x, "index", p->index);
			add_bool(x, "bootable", p->bootable);
			add_int(x, "status", p->status);
			add_str(x, "type", type);
			add_int(x, "start", p->start);
			add_int(x, "sectors", p->sectors);
			json_object_array_add(a, x);
		}
		json_object_object_add(m, "partitions", a);
		json_object_object_add(o, "mbr", m);
	} else {
		json_object_object_add(o, "mbr", NULL);
	}
	if (s->gpt) {
		json_object *g = json_object_new_object();
		add_str(g, "disk_guid", s->gpt_disk_guid);
		add_int(g, "revision", s->gpt_revision);
		add_int(g, "current_lba", (int64_t)s->gpt_current_lba);
		add_int(g, "backup_lba", (int64_t)s->gpt_backup_lba);
		add_int(g, "first_usable_lba", (int64_t)s->gpt_first_usable);
		add_int(g, "last_usable_lba", (int64_t)s->gpt_last_usable);
		add_int(g, "entries_lba", (int64_t)s->gpt_entries_lba);
		add_int(g, "entry_count", s->gpt_num_entries);
		add_int(g, "entry_size", s->gpt_entry_size);
		add_bool(g, "header_crc_ok", s->gpt_header_crc_ok);
		add_bool(g, "entries_crc_ok", s->gpt_entries_crc_ok);
		add_bool(g, "backup_header_ok", s->gpt_backup_ok);
		json_object *a = json_object_new_array();
		for (int i = 0; i < s->gpt_count; i++) {
			const struct img_gpt_part *p = &s->gpt_parts[i];
			json_object *x = json_object_new_object();
			char attr[24];
			snprintf(attr, sizeof(attr), "0x%016" PRIx64, p->attributes);
			add_int(x, "index", p->index);
			add_str(x, "type_guid", p->type_guid);
			add_str(x, "guid", p->guid);
			add_str(x, "name", p->name);
			add_int(x, "first_lba", (int64_t)p->first_lba);
			add_int(x, "last_lba", (int64_t)p->last_lba);
			add_str(x, "attributes", attr);
			json_object_array_add(a, x);
		}
		json_object_object_add(g, "partitions", a);
		json_object_object_add(o, "gpt", g);
	} else {
		json_object_object_add(o, "gpt", NULL);
	}
	if (s->apm) {
		json_object *m = json_object_new_object();
		add_int(m, "block_size", s->apm_block_size);
		json_object *a = json_object_new_array();
		for (int i = 0; i < s->apm_count; i++) {
			const struct img_apm_part *p = &s->apm_parts[i];
			json_object *x = json_object_new_object();
			add_int(x, "index", p->index);
			add_str(x, "name", p->name);
			add_str(x, "type", p->type);
			add_int(x, "start", p->start);
			add_int(x, "blocks", p->count);
			json_object_array_add(a, x);
		}
		json_object_object_add(m, "partitions", a);
		json_object_object_add(o, "apm", m);
	} else {
		json_object_object_add(o, "apm", NULL);
	}
	return o;
}

static json_object *scan_json(const struct img_dirscan *s)
{
	json_object *o = json_object_new_object();
	add_int(o, "directories", (int64_t)s->dirs);
	add_int(o, "files", (int64_t)s->files);
	add_int(o, "depth", s->depth);
	return o;
}

/* UDF partition maps (ECMA-167 3/10.7, UDF 2.60 2.2.8-2.2.10). */
static json_object *udf_maps_json(const struct img_udf_info *u)
{
	static const char *const kinds[] = {"physical", "sparable", "virtual", "metadata"};
	json_object *a = json_object_new_array();
	for (unsigned i = 0; i < u->nmaps; i++) {
		const struct img_udf_map *m = &u->maps[i];
		json_object *x = json_object_new_object();
		add_int(x, "index", i);
		add_int(x, "type", m->type);
		add_str(x, "kind", kinds[m->kind]);
		add_int(x, "partition_number", m->partition_number);
		add_int(x, "partition_start", m->partition_start);
		add_int(x, "partition_length", m->partition_length);
		if (m->kind == IMG_UDF_MAP_METADATA) {
			add_int(x, "metadata_file", m->metadata_file);
			add_int(x, "mirror_file", m->mirror_file);
			if (m->bitmap_file == IMG_UDF_NO_FILE)
				json_object_object_add(x, "bitmap_file", NULL);
			else
				add_int(x, "bitmap_file", m->bitmap_file);
			add_int(x, "allocation_unit", m->allocation_unit);
			add_int(x, "alignment_unit", m->alignment_unit);
			add_bool(x, "duplicate", m->duplicate);
			add_int(x, "metadata_size", (int64_t)m->metadata_size);
			add_str(x, "read_from", m->mirror_used ? "mirror file" : "metadata file");
		} else if (m->kind == IMG_UDF_MAP_SPARABLE) {
			add_int(x, "packet_length", m->packet_length);
			json_object *t = json_object_new_array();
			for (unsigned k = 0; k < m->sparing_tables; k++)
				json_object_array_add(t, json_object_new_int64(m->sparing_table[k]));
			json_object_object_add(x, "sparing_tables", t);
			add_int(x, "sparing_table_size", m->sparing_table_size);
			add_int(x, "spared_packets", m->spared_packets);
		} else if (m->kind == IMG_UDF_MAP_VIRTUAL) {
			add_int(x, "vat_sector", m->vat_sector);
			add_int(x, "vat_entries", m->vat_entries);
		}
		json_object_array_add(a, x);
	}
	return a;
}

/* What the parts of the summary share: the image, the report being built, and what was read
 * once and is needed by more than one part. */
struct summary {
	struct img_source *src;
	json_object *errors;       /* the report's "errors" array */
	struct img_vdset *vds;
	bool iso;                  /* an ISO 9660 descriptor set was read */
	struct img_udf_info udf;
	int urc;                   /* img_udf_read_info's result */
	struct img_error uerr;
};

static json_object *image_json(struct img_source *src, const char *path)
{
	json_object *img = json_object_new_object();
	add_str(img, "path", path);
	add_str(img, "kind", img_source_kind(src));
	add_int(img, "size", (int64_t)img_source_size(src));
	add_int(img, "sectors", (int64_t)(img_source_size(src) / IMG_ISO_SECTOR));
	return img;
}

/* The volume descriptors (ISO 9660, and whether there is UDF at all). */
static json_object *volume_descriptors_json(struct summary *s)
{
	struct img_error err = {0};
	s->iso = img_vd_read(s->src, s->vds, &err) == IMG_OK;
	json_object *vda = json_object_new_array();
	s->urc = img_udf_read_info(s->src, &s->udf, &s->uerr);
	/* A UDF-only image (mkudffs) has no ISO 9660 descriptors, and needs none. */
	if (!s->iso && s->urc != IMG_OK && s->urc != IMG_EUNSUPPORTED)
		report_error(s->errors, "volume descriptors", &err);
	else
		for (int i = 0; i < s->vds->count; i++)
			json_object_array_add(vda, vd_json(&s->vds->vd[i]));
	return vda;
}

/* The ISO 9660 hierarchy (with its level), Rock Ridge and Joliet into fs.  Returns whether
 * the hierarchies could be walked (the MD5 part reads a tree then). */
static bool iso_trees_json(struct summary *s, json_object *fs)
{
	struct img_error err = {0};
	bool trees_ok = s->iso;
	const struct img_vd *pvd = s->iso ? img_vd_find(s->vds, IMG_VD_PRIMARY) : NULL;
	const struct img_vd *jvd = s->iso ? img_vd_find(s->vds, IMG_VD_JOLIET) : NULL;
	struct img_dirscan scan;
	json_object *iso9660 = NULL, *rock_ridge = NULL, *joliet = NULL;
	if (pvd) {
		if (img_iso_scan(s->src, pvd, &scan, &err) == IMG_OK) {
			iso9660 = scan_json(&scan);
			/* ECMA-119 10: level 3 allows multi-extent files, level 2 long names. */
			add_int(iso9660, "level", scan.multi_extent ? 3 : scan.long_names ? 2 : 1);
		} else {
			trees_ok = false;
			report_error(s->errors, "ISO 9660 tree", &err);
		}
		char rr[16];
		if (img_vd_rock_ridge(s->src, pvd, rr, &err) != IMG_OK) {
			report_error(s->errors, "Rock Ridge", &err);
		} else if (rr[0]) {
			rock_ridge = json_object_new_object();
			add_str(rock_ridge, "version", rr);
		}
	}
	json_object_object_add(fs, "iso9660", iso9660);
	json_object_object_add(fs, "rock_ridge", rock_ridge);
	if (jvd) {
		if (img_iso_scan(s->src, jvd, &scan, &err) == IMG_OK) {
			joliet = scan_json(&scan);
			add_int(joliet, "ucs_level", jvd->joliet_level);
		} else {
			trees_ok = false;
			report_error(s->errors, "Joliet tree", &err);
		}
	}
	json_object_object_add(fs, "joliet", joliet);
	return trees_ok;
}

/* The logical volume integrity descriptor's counts and revisions (ECMA-167 3/10.10, UDF
 * 2.2.6), or NULL when there is none. */
static json_object *udf_integrity_json(const struct img_udf_info *udf)
{
	if (!udf->lvid)
		return NULL;
	char rv[3][16];
	unsigned v[3] = {udf->min_read_revision, udf->min_write_revision, udf->max_write_revision};
	for (int k = 0; k < 3; k++)
		snprintf(rv[k], sizeof(rv[k]), "%x.%02x", v[k] >> 8, v[k] & 0xff);
	json_object *lv = json_object_new_object();
	add_str(lv, "integrity", udf->lvid_closed ? "closed" : "open");
	add_int(lv, "files", udf->lvid_files);
	add_int(lv, "directories", udf->lvid_dirs);
	add_str(lv, "min_read_revision", rv[0]);
	add_str(lv, "min_write_revision", rv[1]);
	add_str(lv, "max_write_revision", rv[2]);
	return lv;
}

/* The UDF volume, or NULL when the image has none. */
static json_object *udf_json(struct summary *s)
{
	const struct img_udf_info *udf = &s->udf;
	bool nsr = s->iso && s->vds->udf_nsr[0];
	if (s->urc != IMG_OK && s->urc != IMG_EUNSUPPORTED && !nsr)
		return NULL;
	json_object *x = json_object_new_object();
	add_str(x, "vrs", nsr ? s->vds->udf_nsr : udf->vrs);
	if (s->urc == IMG_OK) {
		char rev[16];
		snprintf(rev, sizeof(rev), "%x.%02x", udf->revision >> 8, udf->revision & 0xff);
		add_str(x, "revision", rev);
		add_str(x, "domain", udf->domain);
		add_str(x, "volume_id", udf->volume_id);
		add_str(x, "logical_volume_id", udf->logical_volume_id);
		add_int(x, "block_size", udf->block_size);
		add_int(x, "partition_number", udf->partition_number);
		add_int(x, "partition_start", udf->partition_start);
		add_int(x, "partition_length", udf->partition_length);
		add_int(x, "descriptors_verified", udf->descriptors);
		json_object_object_add(x, "partition_maps", udf_maps_json(udf));
		json_object_object_add(x, "integrity", udf_integrity_json(udf));
		if (udf->metadata_problem[0])
			add_str(x, "metadata_problem", udf->metadata_problem);
	} else if (s->urc == IMG_EUNSUPPORTED) {
		add_str(x, "unsupported", s->uerr.detail);
	} else {
		report_error(s->errors, "UDF", &s->uerr);
	}
	return x;
}

/* The system area (read even when there is no ISO 9660 volume: a plain disk image), and
 * whether an Apple partition holds HFS+ (into fs).  NULL when it cannot be read. */
static json_object *system_area_json(struct summary *s, json_object *fs)
{
	struct img_error err = {0};
	struct img_sysarea *sa = calloc(1, sizeof(*sa));
	json_object *sys = NULL;
	if (sa == NULL) {
		img_error_set(&err, IMG_ENOMEM, "out of memory");
		report_error(s->errors, "system area", &err);
	} else if (img_sysarea_read(s->src, sa, &err) == IMG_OK) {
		sys = sysarea_json(sa);
		bool hfs = false;
		for (int i = 0; i < sa->apm_count; i++)
			if (strcmp(sa->apm_parts[i].type, "Apple_HFS") == 0)
				hfs = true;
		add_bool(fs, "hfsplus", hfs);
		if (sa->gpt && !sa->gpt_header_crc_ok) {
			img_error_set(&err, IMG_ECORRUPT, "GPT header at byte 512: CRC32 mismatch");
			report_error(s->errors, "system area", &err);
		}
		if (sa->gpt && sa->gpt_header_crc_ok && !sa->gpt_entries_crc_ok) {
			img_error_set(&err, IMG_ECORRUPT, "GPT entry array at byte %llu: CRC32 "
				      "mismatch", (unsigned long long)sa->gpt_entries_lba * 512);
			report_error(s->errors, "system area", &err);
		}
	} else {
		report_error(s->errors, "system area", &err);
	}
	free(sa);
	return sys;
}

/* The El Torito boot catalog, or NULL when there is none (or it cannot be read). */
static json_object *el_torito_json(struct summary *s)
{
	const struct img_vd *brd = s->iso ? img_vd_find(s->vds, IMG_VD_BOOT) : NULL;
	if (brd == NULL || !brd->el_torito)
		return NULL;
	struct img_error err = {0};
	struct img_boot_catalog *cat = calloc(1, sizeof(*cat));
	json_object *o = NULL;
	if (cat == NULL)
		img_error_set(&err, IMG_ENOMEM, "out of memory");
	if (cat != NULL && img_eltorito_read(s->src, brd->boot_catalog, cat, &err) == IMG_OK)
		o = eltorito_json(cat);
	else
		report_error(s->errors, "El Torito", &err);
	free(cat);
	return o;
}

/* The session MD5 tag and the number of files with an MD5, as libisofs reads them from the
 * default view; NULL when the trees could not be walked or read. */
static json_object *md5_json(struct summary *s, bool trees_ok)
{
	if (!trees_ok)
		return NULL;
	struct img_error err = {0};
	struct img_filetree *t = NULL;
	struct img_iso_info info;
	if (img_iso_read_tree(s->src, IMG_VIEW_DEFAULT, &t, &info, &err) != IMG_OK) {
		report_error(s->errors, "file tree", &err);
		return NULL;
	}
	json_object *md5 = json_object_new_object();
	if (info.session_md5) {
		char hex[33];
		img_md5_hex(info.md5, hex);
		json_object *x = json_object_new_object();
		add_int(x, "start_lba", info.md5_start);
		add_int(x, "end_lba", info.md5_end);
		add_str(x, "md5", hex);
		json_object_object_add(md5, "session", x);
	} else {
		json_object_object_add(md5, "session", NULL);
	}
	add_int(md5, "files_with_md5", info.files_with_md5);
	img_filetree_free(t);
	return md5;
}

/* ---- the summary's opening paragraph ---- */

/* The member at a path of keys ("a", "b", NULL), or NULL when any is missing or null. */
static json_object *get(json_object *o, ...)
{
	va_list ap;
	va_start(ap, o);
	for (const char *k; o != NULL && (k = va_arg(ap, const char *)) != NULL;)
		if (json_object_get_type(o) != json_type_object || !json_object_object_get_ex(o, k, &o))
			o = NULL;
	va_end(ap);
	return o;
}

static void appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* "YYYY-MM-DD HH:MM:SS" of a descriptor date ("YYYY-MM-DDTHH:MM:SS.cc+HH:MM"), with its zone
 * unless it is UTC. */
static void date_words(const char *d, char *out, size_t size)
{
	const char *zone = strlen(d) >= 28 ? d + 22 : "";
	bool utc = zone[0] == '\0' || strcmp(zone, "+00:00") == 0;
	snprintf(out, size, "%.10s %.8s %s", d, strlen(d) > 11 ? d + 11 : "", utc ? "UTC" : zone);
}

/* What file(1) and isoinfo -d say together, in words: the file systems, size, volume id,
 * how it boots (BIOS/UEFI from CD through El Torito, from USB through MBR/GPT), its dates and
 * the checksums it carries.  Made from the report itself, so it never says more than the
 * detail below it.  Lines end with '\n'. */
static void about_text(json_object *root, char *buf, size_t size)
{
	buf[0] = '\0';
	json_object *fs = get(root, "file_systems", NULL), *x;
	char fsl[256] = "";
	if ((x = get(fs, "iso9660", NULL)) != NULL)
		appendf(fsl, sizeof(fsl), "ISO 9660 (level %d)",
			json_object_get_int(get(x, "level", NULL)));
	if ((x = get(fs, "rock_ridge", "version", NULL)) != NULL)
		appendf(fsl, sizeof(fsl), "%sRock Ridge %s", fsl[0] ? ", " : "",
			json_object_get_string(x));
	if (get(fs, "joliet", NULL))
		appendf(fsl, sizeof(fsl), "%sJoliet", fsl[0] ? ", " : "");
	if ((x = get(fs, "udf", NULL)) != NULL)
		appendf(fsl, sizeof(fsl), "%sUDF%s%s", fsl[0] ? ", " : "",
			get(x, "revision", NULL) ? " " : "",
			get(x, "revision", NULL) ? json_object_get_string(get(x, "revision", NULL)) :
			"");
	if ((x = get(fs, "hfsplus", NULL)) != NULL && json_object_get_boolean(x))
		appendf(fsl, sizeof(fsl), "%sHFS+", fsl[0] ? ", " : "");
	int64_t bytes = json_object_get_int64(get(root, "image", "size", NULL));
	char sz[32];
	if (bytes >= (1 << 20))
		snprintf(sz, sizeof(sz), "%.1f MiB", (double)bytes / (1 << 20));
	else
		snprintf(sz, sizeof(sz), "%.1f KiB", (double)bytes / 1024);
	appendf(buf, size, "%s image, %s (%" PRId64 " bytes)", fsl[0] ? fsl : "Disc", sz, bytes);
	json_object *vds = get(root, "volume_descriptors", NULL), *pvd = NULL;
	for (size_t i = 0; vds && i < json_object_array_length(vds); i++) {
		json_object *v = json_object_array_get_idx(vds, i);
		if (strcmp(json_object_get_string(get(v, "kind", NULL)), "primary") == 0) {
			pvd = v;
			break;
		}
	}
	const char *vol = pvd ? json_object_get_string(get(pvd, "volume_id", NULL)) :
			  (x = get(fs, "udf", "volume_id", NULL)) ? json_object_get_string(x) : "";
	appendf(buf, size, vol[0] ? ", volume \"%s\".\n" : ".\n", vol);

	/* Boot: El Torito entries by platform (CD), and a partition table in the system area
	 * (USB): an EFI system partition for UEFI, an MBR for BIOS. */
	bool bios = false, uefi = false, other = false;
	json_object *ents = get(root, "el_torito", "entries", NULL);
	for (size_t i = 0; ents && i < json_object_array_length(ents); i++) {
		int pf = json_object_get_int(get(json_object_array_get_idx(ents, i), "platform_id",
						 NULL));
		bios |= pf == 0;
		uefi |= pf == 0xef;
		other |= pf != 0 && pf != 0xef;
	}
	json_object *mbr = get(root, "system_area", "mbr", NULL);
	json_object *gpt = get(root, "system_area", "gpt", NULL);
	bool esp = false;
	json_object *parts = get(mbr, "partitions", NULL);
	for (size_t i = 0; parts && i < json_object_array_length(parts); i++)
		esp |= strcmp(json_object_get_string(get(json_object_array_get_idx(parts, i), "type",
							   NULL)), "0xef") == 0;
	parts = get(gpt, "partitions", NULL);
	for (size_t i = 0; parts && i < json_object_array_length(parts); i++)
		esp |= strcasecmp(json_object_get_string(get(json_object_array_get_idx(parts, i),
							      "type_guid", NULL)),
				  "c12a7328-f81f-11d2-ba4b-00a0c93ec93b") == 0;
	if (ents && json_object_array_length(ents) > 0) {
		appendf(buf, size, "Boots from CD/DVD (El Torito):%s%s%s", bios ? " BIOS" : "",
			uefi ? (bios ? " and UEFI" : " UEFI") : "", other ? " (and other platforms)" :
			"");
		if (mbr || gpt)
			appendf(buf, size, "; from USB as a hybrid disk (%s%s%s)%s", mbr ? "MBR" : "",
				mbr && gpt ? " and " : "", gpt ? "GPT" : "",
				esp ? ", with an EFI system partition" : "");
		appendf(buf, size, ".\n");
	} else if (mbr || gpt) {
		appendf(buf, size, "Not bootable from CD (no El Torito catalog); has a partition "
			"table (%s%s%s).\n", mbr ? "MBR" : "", mbr && gpt ? " and " : "",
			gpt ? "GPT" : "");
	} else {
		appendf(buf, size, "Not bootable (no El Torito catalog, no partition table).\n");
	}
	if (pvd) {
		const char *c = json_object_get_string(get(pvd, "created", NULL));
		const char *m = json_object_get_string(get(pvd, "modified", NULL));
		char cw[48], mw[48];
		date_words(c, cw, sizeof(cw));
		date_words(m, mw, sizeof(mw));
		if (c[0] && m[0] && strcmp(c, m) != 0)
			appendf(buf, size, "Created %s, modified %s.\n", cw, mw);
		else if (c[0])
			appendf(buf, size, "Created %s.\n", cw);
	}
	json_object *md5 = get(root, "md5", NULL);
	int files = md5 ? json_object_get_int(get(md5, "files_with_md5", NULL)) : 0;
	if (get(md5, "session", NULL))
		appendf(buf, size, "Checksums: an MD5 of the session%s", files ? "" : ".\n");
	else
		appendf(buf, size, "Checksums: %s", files ? "" : "no MD5 tags (nothing to verify "
			"the data against).\n");
	if (files)
		appendf(buf, size, "%sMD5s of %d files.\n", get(md5, "session", NULL) ? " and " : "",
			files);
	size_t nerr = json_object_array_length(get(root, "errors", NULL));
	if (nerr)
		appendf(buf, size, "%zu structure%s could not be read: see errors below.\n", nerr,
			nerr == 1 ? "" : "s");
}

int imginfo_summary(struct img_source *src, const struct imginfo_opts *o)
{
	struct summary s = {.src = src, .errors = json_object_new_array()};
	if ((s.vds = calloc(1, sizeof(*s.vds))) == NULL) {
		img_cli_fail("out of memory");
		json_object_put(s.errors);
		return IMG_EXIT_FAIL;
	}
	/* Parts in the order of the report's keys; each reports its errors as it meets them. */
	json_object *root = json_object_new_object();
	json_object_object_add(root, "image", image_json(src, o->image));
	json_object_object_add(root, "volume_descriptors", volume_descriptors_json(&s));
	json_object *fs = json_object_new_object();
	bool trees_ok = iso_trees_json(&s, fs);
	add_bool(fs, "iso9660_1999", s.iso && img_vd_find(s.vds, IMG_VD_ISO1999) != NULL);
	json_object_object_add(fs, "udf", udf_json(&s));
	json_object *sys = system_area_json(&s, fs);
	json_object_object_add(root, "file_systems", fs);
	json_object_object_add(root, "el_torito", el_torito_json(&s));
	json_object_object_add(root, "system_area", sys);
	json_object_object_add(root, "md5", md5_json(&s, trees_ok));
	json_object_object_add(root, "errors", s.errors);
	int rc = json_object_array_length(s.errors) ? IMG_EXIT_USAGE : IMG_EXIT_OK;
	char about[1024];
	about_text(root, about, sizeof(about));
	if (o->json) {
		/* a new key, last: the keys before it keep their places */
		add_str(root, "about", about);
	} else {
		fputs(about, stdout);
		putchar('\n');
	}
	emit(root, o->json);
	json_object_put(root);
	free(s.vds);
	return rc;
}

/* ---- loading a view ---- */

/* Whether the image has an ISO 9660 volume descriptor set at all. */
static bool has_iso9660(struct img_source *src)
{
	struct img_vdset *vds = calloc(1, sizeof(*vds));
	struct img_error err = {0};
	bool ok = vds != NULL && img_vd_read(src, vds, &err) == IMG_OK;
	free(vds);
	return ok;
}

/* Imports the view (after img_iso_read_tree's own structure checks).  On failure the error
 * is printed and the exit code returned. */
static int load_view(struct img_source *src, const char *view_name, struct img_filetree **tree,
		     struct img_iso_info *info, enum img_view *view)
{
	struct img_error err = {0};
	*view = IMG_VIEW_DEFAULT;
	if (view_name && img_view_parse(view_name, view) != IMG_OK) {
		img_cli_usage_error("unknown view '%s'", view_name);
		return IMG_EXIT_USAGE;
	}
	if (*view == IMG_VIEW_UDF) {
		struct img_udf_info udf;
		int r = img_udf_read_tree(src, tree, &udf, &err);
		if (r != IMG_OK) {
			img_cli_error("UDF tree", &err);
			return r == IMG_EUNSUPPORTED ? IMG_EXIT_FAIL : IMG_EXIT_USAGE;
		}
		memset(info, 0, sizeof(*info));
		return IMG_EXIT_OK;
	}
	int rc;
	if (view_name == NULL && !has_iso9660(src) &&
	    img_udf_read_info(src, &(struct img_udf_info){0}, &err) == IMG_OK) {
		/* No view asked for and only UDF there (mkudffs): the UDF view. */
		*view = IMG_VIEW_UDF;
		return load_view(src, "udf", tree, info, view);
	}
	if ((rc = img_iso_read_tree(src, *view, tree, info, &err)) != IMG_OK) {
		img_cli_error("file tree", &err);
		return exit_for(rc);
	}
	if (*view == IMG_VIEW_DEFAULT)
		*view = info->rockridge ? IMG_VIEW_RR : info->joliet ? IMG_VIEW_JOLIET :
			IMG_VIEW_ISO;
	return IMG_EXIT_OK;
}

/* ---- listing ---- */

static const char *type_name(mode_t m)
{
	return S_ISDIR(m) ? "directory" : S_ISREG(m) ? "file" : S_ISLNK(m) ? "symlink" :
	       "special";
}

static void mode_string(mode_t m, char s[11])
{
	s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISREG(m) ? '-' : S_ISCHR(m) ? 'c' :
	       S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '?';
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		s[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
	if (m & S_ISUID) s[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID) s[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX) s[9] = (m & S_IXOTH) ? 't' : 'T';
	s[10] = '\0';
}

struct lister {
	const char *find;
	bool json;
	uint64_t count;
	int64_t minute;       /* text: the minute "when" holds, valid once "have_minute" */
	bool have_minute;
	char when[32];
};

/* Appends v in decimal, right-aligned in width columns (printf's "%*" PRIu64). */
static char *put_num(char *p, uint64_t v, int width)
{
	char d[24];
	int len = 0;
	do
		d[len++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (int i = len; i < width; i++)
		*p++ = ' ';
	while (len > 0)
		*p++ = d[--len];
	return p;
}

/* The text form of mtime: "%Y-%m-%d %H:%M" in UTC, or "?".  A listing shows minutes, and the
 * files of a tree mostly share a few: format each minute once, not each entry. */
static const char *list_when(struct lister *l, int64_t mtime)
{
	int64_t minute = mtime / 60 - (mtime % 60 < 0);
	if (l->have_minute && minute == l->minute)
		return l->when;
	time_t t = (time_t)mtime;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(l->when, sizeof(l->when), "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(l->when, sizeof(l->when), "?");
	l->minute = minute;
	l->have_minute = true;
	return l->when;
}

/* One entry of the "entries" array, printed as json-c prints it inside the whole document
 * ({"view", "entries": [...]}, pretty, 2 spaces a level): entries are streamed instead of
 * being held as one json-c document of the whole tree, so each is indented 4 more. */
static void list_json(struct lister *l, struct img_fnode *n, const char *path)
{
	json_object *x = json_object_new_object();
	char mode[8];
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(n->mode & 07777));
	add_str(x, "path", path);
	add_str(x, "type", type_name(n->mode));
	add_str(x, "mode", mode);
	add_int(x, "uid", n->uid);
	add_int(x, "gid", n->gid);
	add_int(x, "size", (int64_t)n->size);
	add_int(x, "mtime", n->mtime);
	if (S_ISREG(n->mode)) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < n->nextents; i++) {
			json_object *e = json_object_new_object();
			add_int(e, "lba", (int64_t)(n->extents[i].offset / IMG_ISO_SECTOR));
			add_int(e, "offset", (int64_t)n->extents[i].offset);
			add_int(e, "length", (int64_t)n->extents[i].length);
			json_object_array_add(a, e);
		}
		json_object_object_add(x, "extents", a);
	}
	if (n->link)
		add_str(x, "link", n->link);
	const char *s = json_object_to_json_string_ext(x, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	if (l->count > 1)
		fputs(",\n", stdout);
	/* json-c escapes control characters in strings: every '\n' is a line break */
	for (;;) {
		const char *nl = strchr(s, '\n');
		fputs("    ", stdout);
		if (nl == NULL) {
			fputs(s, stdout);
			break;
		}
		fwrite(s, 1, (size_t)(nl - s) + 1, stdout);
		s = nl + 1;
	}
	json_object_put(x);
}

static int list_node(struct img_fnode *n, void *arg)
{
	struct lister *l = arg;
	if (l->find && (n->parent == NULL || !img_fnode_matches(n, l->find)))
		return IMG_OK;
	char path[4096];
	if (!img_fnode_path(n, path, sizeof(path)))
		snprintf(path, sizeof(path), "(path too long)/%s", n->name);
	l->count++;
	if (l->json) {
		list_json(l, n, path);
		return IMG_OK;
	}
	/* printf("%s %5u %5u %12" PRIu64 " %s %9s %s%s%s\n", mode, uid, gid, size, when, lba,
	 * path, link), formatted by hand: this runs once per entry of the image. */
	char line[128], *p = line;
	mode_string(n->mode, p);
	p += 10;
	*p++ = ' ';
	p = put_num(p, (unsigned)n->uid, 5);
	*p++ = ' ';
	p = put_num(p, (unsigned)n->gid, 5);
	*p++ = ' ';
	p = put_num(p, n->size, 12);
	*p++ = ' ';
	const char *when = list_when(l, n->mtime);
	size_t wlen = strlen(when);
	memcpy(p, when, wlen);
	p += wlen;
	*p++ = ' ';
	if (S_ISREG(n->mode) && n->nextents > 0) {
		p = put_num(p, n->extents[0].offset / IMG_ISO_SECTOR, 9);
	} else {
		memcpy(p, "        -", 9);
		p += 9;
	}
	*p++ = ' ';
	fwrite(line, 1, (size_t)(p - line), stdout);
	fputs(path, stdout);
	if (n->link) {
		fputs(" -> ", stdout);
		fputs(n->link, stdout);
	}
	putchar('\n');
	return IMG_OK;
}

int imginfo_list(struct img_source *src, const struct imginfo_opts *o)
{
	enum img_view view = IMG_VIEW_DEFAULT;
	struct img_filetree *t = NULL;
	struct img_iso_view *iv = NULL;
	struct img_iso_info info;
	int rc;
	/* ISO 9660, Joliet and Rock Ridge are walked as libisofs imported them, without a copy
	 * of the whole tree (imginfo -l on 100,000 files: half the memory, faster); UDF (and a
	 * bad --view, which load_view reports, and an image without ISO 9660, which it lists
	 * through UDF if it can) go through the tree. */
	if ((o->view && (img_view_parse(o->view, &view) != IMG_OK || view == IMG_VIEW_UDF)) ||
	    (o->view == NULL && !has_iso9660(src))) {
		if ((rc = load_view(src, o->view, &t, &info, &view)) != IMG_EXIT_OK)
			return rc;
	} else {
		struct img_error err = {0};
		if ((rc = img_iso_view_open(src, view, &iv, &info, &err)) != IMG_OK) {
			img_cli_error("file tree", &err);
			return exit_for(rc);
		}
		if (view == IMG_VIEW_DEFAULT)
			view = info.rockridge ? IMG_VIEW_RR : info.joliet ? IMG_VIEW_JOLIET :
				IMG_VIEW_ISO;
	}
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	struct lister l = {.find = o->find, .json = o->json};
	if (o->json)
		printf("{\n  \"view\": \"%s\",\n  \"entries\": [\n", img_view_name(view));
	rc = t ? img_filetree_walk(t->root, list_node, &l) : img_iso_view_walk(iv, list_node, &l);
	if (o->json)
		fputs(l.count ? "\n  ]\n}\n" : "  ]\n}\n", stdout);
	fflush(stdout);
	img_filetree_free(t);
	img_iso_view_close(iv);
	if (rc != IMG_OK) {
		img_cli_fail("listing the %s view: %s", img_view_name(view), img_strerror(rc));
		return IMG_EXIT_FAIL;
	}
	/* --find that matches nothing is a failed job, like grep. */
	if (o->find && l.count == 0)
		img_cli_fail("no entry of the %s view matches '%s'", img_view_name(view), o->find);
	return (o->find && l.count == 0) ? IMG_EXIT_FAIL : IMG_EXIT_OK;
}

/* ---- extraction ---- */

int imginfo_extract(struct img_source *src, const struct imginfo_opts *o)
{
	struct img_filetree *t;
	struct img_iso_info info;
	enum img_view view;
	int rc = load_view(src, o->view, &t, &info, &view);
	if (rc != IMG_EXIT_OK)
		return rc;
	struct img_error err = {0};
	struct img_fnode *n;
	int r = img_filetree_lookup(t, o->extract, &n);
	if (r != IMG_OK) {
		img_cli_fail("%s: %s in the %s view", o->extract,
			     r == IMG_ENOENT ? "no such file" : "invalid path", img_view_name(view));
		img_filetree_free(t);
		return IMG_EXIT_USAGE;
	}
	struct img_extract_stats st;
	r = img_extract(src, n, o->dest, o->force, &st, &err);
	if (r != IMG_OK) {
		img_cli_error("extract", &err);
		rc = exit_for(r);
	}
	if (o->json) {
		json_object *root = json_object_new_object();
		add_str(root, "view", img_view_name(view));
		add_str(root, "path", o->extract);
		add_str(root, "to", o->dest);
		add_bool(root, "ok", r == IMG_OK);
		add_int(root, "files", (int64_t)st.files);
		add_int(root, "directories", (int64_t)st.dirs);
		add_int(root, "symlinks", (int64_t)st.symlinks);
		add_int(root, "skipped", (int64_t)st.skipped);
		add_int(root, "bytes", (int64_t)st.bytes);
		emit(root, true);
		json_object_put(root);
	} else {
		img_cli_verbose("extracted %" PRIu64 " files, %" PRIu64 " directories, %" PRIu64
				" symlinks (%" PRIu64 " bytes) to %s; %" PRIu64 " special files "
				"skipped", st.files, st.dirs, st.symlinks, st.bytes, o->dest,
				st.skipped);
	}
	img_filetree_free(t);
	return rc;
}

/* ---- check ---- */

/* The checks are run by img_check_image; imginfo prints what they found: in text one line a
 * finding ("ok: NAME: DETAIL" or "PROBLEM: NAME: DETAIL") and the number of problems, in JSON
 * the findings and the problems.  Checks that did not apply are said only with -v. */
int imginfo_check(struct img_source *src, const struct imginfo_opts *o)
{
	struct img_check_result r;
	struct img_error err = {0};
	int rc = img_check_image(src, &r, &err);
	if (rc != IMG_OK) {
		img_check_result_free(&r);
		if (rc == IMG_ENOMEM) {
			img_cli_error("check", &err);
			return IMG_EXIT_FAIL;
		}
		img_cli_error("volume descriptors", &err);
		return IMG_EXIT_USAGE;
	}
	json_object *checks = json_object_new_array(), *problems = json_object_new_array();
	for (size_t i = 0; i < r.count; i++) {
		const struct img_check_item *x = &r.items[i];
		if (x->status == IMG_CHECK_NA) {
			img_cli_verbose("not applicable: %s: %s", x->name, x->detail);
			continue;
		}
		bool ok = x->status == IMG_CHECK_OK;
		if (o->json) {
			json_object *j = json_object_new_object();
			add_str(j, "name", x->name);
			add_bool(j, "ok", ok);
			add_str(j, "detail", x->detail);
			json_object_array_add(checks, j);
			if (!ok) {
				char buf[2100];
				snprintf(buf, sizeof(buf), "%s: %s", x->name, x->detail);
				json_object_array_add(problems, json_object_new_string(buf));
			}
		} else {
			printf("%s: %s: %s\n", ok ? "ok" : "PROBLEM", x->name, x->detail);
		}
	}
	if (o->json) {
		json_object *root = json_object_new_object();
		json_object_object_add(root, "checks", checks);
		json_object_object_add(root, "problems", problems);
		add_bool(root, "ok", r.problems == 0);
		emit(root, true);
		json_object_put(root);
	} else {
		printf("%zu problem%s\n", r.problems, r.problems == 1 ? "" : "s");
		json_object_put(checks);
		json_object_put(problems);
	}
	rc = r.problems ? IMG_EXIT_FAIL : IMG_EXIT_OK;
	img_check_result_free(&r);
	return rc;
}
