/* imginfo --map: the layout the library computes (common/inspect/map.h) drawn to scale, as
 * one line of blocks and a legend on the terminal, as an SVG file, or as JSON. */
#include "imginfo/map.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/cli/cli.h"
#include "common/inspect/map.h"

/* How each kind is drawn: the letter of the text line, its ANSI background colour, the SVG
 * fill, and the legend's word for it. */
static const struct {
	char key;
	const char *ansi;   /* SGR background + foreground */
	const char *fill;
} look[IMG_MAP_KIND_COUNT] = {
	[IMG_MAP_SYSTEM_AREA] = {'S', "45;30", "#b05fc0"},
	[IMG_MAP_VOLDESC] = {'V', "41;97", "#d62728"},
	[IMG_MAP_UDF] = {'U', "101;30", "#ff7f0e"},
	[IMG_MAP_BOOT_CATALOG] = {'C', "43;30", "#bcbd22"},
	[IMG_MAP_BOOT_IMAGE] = {'B', "103;30", "#e6d800"},
	[IMG_MAP_PATH_TABLE] = {'P', "46;30", "#17becf"},
	[IMG_MAP_DIRECTORY] = {'D', "44;97", "#1f77b4"},
	[IMG_MAP_FILE_DATA] = {'F', "42;30", "#2ca02c"},
	[IMG_MAP_UDF_SPACE] = {'u', "43;97", "#f5c28c"},
	[IMG_MAP_UDF_ENTRY] = {'I', "44;30", "#6baed6"},
	[IMG_MAP_GPT_BACKUP] = {'G', "105;30", "#e377c2"},
	[IMG_MAP_PARTITION] = {'E', "100;97", "#8c564b"},
	[IMG_MAP_MD5_TAG] = {'M', "106;30", "#9edae5"},
	[IMG_MAP_PADDING] = {'.', "47;30", "#e8e8e8"},
	[IMG_MAP_GAP] = {'?', "40;97", "#404040"},
};

/* "12 KiB", "3.4 MiB": sizes for people. */
static void human(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%" PRIu64 " bytes", bytes);
	else if (v < 10 && v != (double)(uint64_t)v)
		snprintf(out, size, "%.1f %s", v, units[u]);
	else
		snprintf(out, size, "%.0f %s", v, units[u]);
}

static uint64_t region_bytes(const struct img_map *m, const struct img_map_region *r)
{
	uint64_t end = (r->first + r->count) * IMG_MAP_BLOCK;
	if (end > m->size)
		end = m->size;
	return end - r->first * IMG_MAP_BLOCK;
}

/* The kind drawn in each column: the one that holds the most blocks of that column's share
 * of the image, so the line stays to scale (a 1-block descriptor in a 1 GiB image is in the
 * legend, not in the line). */
static void columns(const struct img_map *m, int width, enum img_map_kind *col)
{
	size_t ri = 0;
	for (int c = 0; c < width; c++) {
		uint64_t from = m->blocks * (uint64_t)c / (uint64_t)width;
		uint64_t to = m->blocks * (uint64_t)(c + 1) / (uint64_t)width;
		if (to <= from)
			to = from + 1;
		uint64_t most[IMG_MAP_KIND_COUNT] = {0};
		while (ri < m->count && m->regions[ri].first + m->regions[ri].count <= from)
			ri++;
		for (size_t k = ri; k < m->count && m->regions[k].first < to; k++) {
			const struct img_map_region *r = &m->regions[k];
			uint64_t a = r->first > from ? r->first : from;
			uint64_t b = r->first + r->count < to ? r->first + r->count : to;
			if (b > a)
				most[r->kind] += b - a;
		}
		enum img_map_kind best = IMG_MAP_GAP;
		uint64_t bestn = 0;
		for (int k = 0; k < IMG_MAP_KIND_COUNT; k++)
			if (most[k] > bestn) {
				bestn = most[k];
				best = (enum img_map_kind)k;
			}
		col[c] = best;
	}
}

static void print_text(const struct img_map *m, bool colour)
{
	int width = 72;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		width = ws.ws_col - 2 > 160 ? 160 : ws.ws_col - 2;
	if ((uint64_t)width > m->blocks)
		width = (int)m->blocks;
	enum img_map_kind *col = malloc((size_t)width * sizeof(*col));
	if (col == NULL) {
		img_cli_fail("out of memory");
		return;
	}
	columns(m, width, col);
	char size[32];
	human(m->size, size, sizeof(size));
	printf("%" PRIu64 " blocks of %u bytes (%s), one column = %.3g blocks\n", m->blocks,
	       IMG_MAP_BLOCK, size, (double)m->blocks / width);
	putchar('|');
	for (int c = 0; c < width; c++) {
		if (colour && (c == 0 || col[c] != col[c - 1]))
			printf("\033[%sm", look[col[c]].ansi);
		putchar(look[col[c]].key);
	}
	printf(colour ? "\033[0m|\n" : "|\n");
	free(col);
	for (size_t i = 0; i < m->count; i++) {
		const struct img_map_region *r = &m->regions[i];
		char range[48];
		snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, r->first,
			 r->first + r->count - 1);
		human(region_bytes(m, r), size, sizeof(size));
		if (colour)
			printf("\033[%sm%c\033[0m", look[r->kind].ansi, look[r->kind].key);
		else
			putchar(look[r->kind].key);
		printf(" %17s %10" PRIu64 " %-6s %10s  %s\n", range, r->count,
		       r->count == 1 ? "block" : "blocks", size, r->label);
	}
}

static void print_json(const struct img_map *m, const char *path)
{
	json_object *root = json_object_new_object();
	json_object_object_add(root, "image", json_object_new_string(path));
	json_object_object_add(root, "size", json_object_new_int64((int64_t)m->size));
	json_object_object_add(root, "block_size", json_object_new_int64(IMG_MAP_BLOCK));
	json_object_object_add(root, "blocks", json_object_new_int64((int64_t)m->blocks));
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->count; i++) {
		const struct img_map_region *r = &m->regions[i];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "kind", json_object_new_string(img_map_kind_name(r->kind)));
		json_object_object_add(x, "label", json_object_new_string(r->label));
		json_object_object_add(x, "first", json_object_new_int64((int64_t)r->first));
		json_object_object_add(x, "count", json_object_new_int64((int64_t)r->count));
		json_object_object_add(x, "bytes", json_object_new_int64((int64_t)region_bytes(m, r)));
		json_object_array_add(a, x);
	}
	json_object_object_add(root, "regions", a);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

/* Text for SVG: &, <, > and quotes as entities, control characters as '?'. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc((unsigned char)*s < 0x20 ? '?' : *s, f); break;
		}
	}
}

/* The SVG: a bar of the whole image to scale (each region at least one pixel wide, with its
 * description as a tooltip), a block scale under it, and the legend, one line a region. */
static int write_svg(const struct img_map *m, const char *image, const char *file)
{
	FILE *f = fopen(file, "w");
	if (f == NULL) {
		img_cli_fail("--map: cannot create %s: %m", file);
		return IMG_EXIT_FAIL;
	}
	const double W = 1100, X0 = 50, BAR_Y = 50, BAR_H = 60, ROW = 20;
	double legend_y = BAR_Y + BAR_H + 50;
	double height = legend_y + ROW * (double)m->count + 20;
	char size[32];
	human(m->size, size, sizeof(size));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"13\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W + 2 * X0, height, W + 2 * X0, height);
	fprintf(f, "<text x=\"%.0f\" y=\"30\" font-size=\"16\" font-weight=\"bold\">", X0);
	xml_text(f, image);
	fprintf(f, ": %" PRIu64 " blocks of %u bytes (%s)</text>\n", m->blocks, IMG_MAP_BLOCK, size);
	for (size_t i = 0; i < m->count; i++) {
		const struct img_map_region *r = &m->regions[i];
		double x = X0 + W * (double)r->first / (double)m->blocks;
		double w = W * (double)r->count / (double)m->blocks;
		fprintf(f, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\">"
			   "<title>%" PRIu64 "-%" PRIu64 ": ", x, BAR_Y, w < 1 ? 1 : w, BAR_H,
			look[r->kind].fill, r->first, r->first + r->count - 1);
		xml_text(f, r->label);
		fputs("</title></rect>\n", f);
	}
	fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
		   "stroke=\"black\"/>\n", X0, BAR_Y, W, BAR_H);
	for (int t = 0; t <= 4; t++) {
		double x = X0 + W * t / 4;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"black\"/>"
			   "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"%s\">%" PRIu64 "</text>\n",
			x, BAR_Y + BAR_H, x, BAR_Y + BAR_H + 6, x, BAR_Y + BAR_H + 22,
			t == 0 ? "start" : t == 4 ? "end" : "middle", m->blocks * (uint64_t)t / 4);
	}
	for (size_t i = 0; i < m->count; i++) {
		const struct img_map_region *r = &m->regions[i];
		double y = legend_y + ROW * (double)i;
		human(region_bytes(m, r), size, sizeof(size));
		fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"14\" fill=\"%s\" "
			   "stroke=\"black\"/><text x=\"%.0f\" y=\"%.0f\">%" PRIu64 "-%" PRIu64
			   " (%" PRIu64 " block%s, %s): ", X0, y - 12, look[r->kind].fill, X0 + 22, y,
			r->first, r->first + r->count - 1, r->count, r->count == 1 ? "" : "s", size);
		xml_text(f, r->label);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	if (ferror(f) | (fclose(f) != 0)) {
		img_cli_fail("--map: writing %s failed", file);
		return IMG_EXIT_FAIL;
	}
	return IMG_EXIT_OK;
}

int imginfo_map(struct img_source *src, const struct imginfo_opts *o)
{
	struct img_map m;
	struct img_error err = {0};
	int rc = img_map_build(src, &m, &err);
	if (rc != IMG_OK) {
		img_cli_error("map", &err);
		img_map_free(&m);
		return rc == IMG_EINVAL ? IMG_EXIT_USAGE : IMG_EXIT_FAIL;
	}
	int ex = IMG_EXIT_OK;
	if (o->map_svg)
		ex = write_svg(&m, o->image, o->map_svg);
	if (o->json) {
		print_json(&m, o->image);
	} else {
		/* NO_COLOR (no-color.org): any non-empty value turns colour off. */
		const char *nc = getenv("NO_COLOR");
		print_text(&m, isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0'));
	}
	fflush(stdout);
	img_map_free(&m);
	return ex;
}
