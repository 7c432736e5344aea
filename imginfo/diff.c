/* imginfo --diff: prints img_diff_images's list, one difference a line or as JSON. */
#include "imginfo/diff.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli/cli.h"
#include "common/inspect/diff.h"
#include "common/inspect/iso_read.h"
#include "common/inspect/source.h"

static void print_line(const struct img_diff_item *x)
{
	const char *a = x->a ? x->a : "", *b = x->b ? x->b : "";
	switch (x->kind) {
	case IMG_DIFF_FIELD:
	case IMG_DIFF_METADATA:
	case IMG_DIFF_PLACEMENT:
		printf("%s: %s: %s: %s -> %s\n", x->area, x->where, x->field, a, b);
		break;
	case IMG_DIFF_ADDED:
		printf("%s: added %s (%s)\n", x->area, x->where, b);
		break;
	case IMG_DIFF_REMOVED:
		printf("%s: removed %s (%s)\n", x->area, x->where, a);
		break;
	case IMG_DIFF_CONTENT:
		printf("%s: %s: content differs from byte %" PRIu64 "\n", x->area, x->where,
		       x->offset);
		break;
	case IMG_DIFF_RANGE:
		if (x->end - x->offset == 1)
			printf("block %" PRIu64 ": differs (%s)\n", x->offset,
			       x->field[0] == 'u' ? "no structure claims it" : x->where);
		else
			printf("blocks %" PRIu64 "-%" PRIu64 ": differ (%s)\n", x->offset,
			       x->end - 1, x->field[0] == 'u' ? "no structure claims them" : x->where);
		break;
	}
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *item_json(const struct img_diff_item *x)
{
	json_object *j = json_object_new_object();
	json_object_object_add(j, "kind", json_object_new_string(img_diff_kind_name(x->kind)));
	json_object_object_add(j, "area", json_object_new_string(x->area));
	json_object_object_add(j, "where", str_or_null(x->where));
	json_object_object_add(j, "field", str_or_null(x->field));
	json_object_object_add(j, "a", str_or_null(x->a));
	json_object_object_add(j, "b", str_or_null(x->b));
	if (x->kind == IMG_DIFF_CONTENT)
		json_object_object_add(j, "offset", json_object_new_int64((int64_t)x->offset));
	if (x->kind == IMG_DIFF_RANGE) {
		json_object_object_add(j, "first_block",
				       json_object_new_int64((int64_t)x->offset));
		json_object_object_add(j, "last_block",
				       json_object_new_int64((int64_t)x->end - 1));
	}
	return j;
}

int imginfo_diff(const struct imginfo_opts *o)
{
	struct img_source *src[2] = {NULL, NULL};
	const char *path[2] = {o->image, o->image2};
	struct img_error err = {0};
	for (int i = 0; i < 2; i++)
		/* TMPDIR is read here and passed in: the library never reads the environment. */
		if (img_source_open(path[i], getenv("TMPDIR"), &src[i], &err) != IMG_OK) {
			img_cli_error("cannot open image", &err);
			if (i)
				img_source_close(src[0]);
			return IMG_EXIT_USAGE;
		}
	struct img_diff_opts opts = {.content = o->content};
	enum img_view v;
	if (o->view && img_view_parse(o->view, &v) == IMG_OK)
		opts.views = 1u << v;
	struct img_diff_result r;
	int rc = img_diff_images(src[0], src[1], &opts, &r, &err);
	img_source_close(src[0]);
	img_source_close(src[1]);
	if (rc != IMG_OK) {
		img_cli_error("diff", &err);
		img_diff_result_free(&r);
		return IMG_EXIT_USAGE;
	}
	for (int i = 0; i < 2 && !r.identical; i++)
		if (!r.recognized[i]) {
			/* As the other modes: input that is no image is an error, not a difference. */
			img_error_set(&err, IMG_ECORRUPT, "%s: neither ISO 9660 nor UDF", path[i]);
			img_cli_error("diff", &err);
			img_diff_result_free(&r);
			return IMG_EXIT_USAGE;
		}
	if (o->json) {
		/* Printed item by item: a tree of json-c objects for the half million differences
		 * of two large builds with other dates would take about a gigabyte. */
		json_object *root = json_object_new_object();
		json_object_object_add(root, "a", json_object_new_string(o->image));
		json_object_object_add(root, "b", json_object_new_string(o->image2));
		json_object_object_add(root, "identical", json_object_new_boolean(r.identical));
		json_object_object_add(root, "blocks_differ",
				       json_object_new_int64((int64_t)r.blocks_differ));
		json_object_object_add(root, "file_bytes_read",
				       json_object_new_int64((int64_t)r.bytes_read));
		const char *head = json_object_to_json_string_ext(root, JSON_C_TO_STRING_SPACED |
									 JSON_C_TO_STRING_NOSLASHESCAPE);
		/* head is "{ ... }": reopen it to append the array. */
		size_t hl = strlen(head);
		while (hl > 0 && head[hl - 1] != '}')
			hl--;
		if (hl > 0)
			hl--;
		while (hl > 0 && head[hl - 1] == ' ')
			hl--;
		printf("%.*s, \"differences\": [", (int)hl, head);
		for (size_t i = 0; i < r.count; i++) {
			json_object *j = item_json(&r.items[i]);
			printf("%s\n  %s", i ? "," : "",
			       json_object_to_json_string_ext(j, JSON_C_TO_STRING_SPACED |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(j);
		}
		printf("%s] }\n", r.count ? "\n" : " ");
		json_object_put(root);
	} else {
		for (size_t i = 0; i < r.count; i++)
			print_line(&r.items[i]);
		if (!r.identical)
			printf("%zu difference%s, %" PRIu64 " block%s differ\n", r.count,
			       r.count == 1 ? "" : "s", r.blocks_differ,
			       r.blocks_differ == 1 ? "" : "s");
	}
	img_cli_verbose("file data read for the comparison: %" PRIu64 " bytes", r.bytes_read);
	fflush(stdout);
	rc = r.identical ? IMG_EXIT_OK : IMG_EXIT_FAIL;
	img_diff_result_free(&r);
	return rc;
}
