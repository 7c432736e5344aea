/* The strict option check that runs before popt (option_scan.h says why). */
#include "mkimage/option_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkimage/refused_options.h"

static bool takes_arg(const struct poptOption *o)
{
	switch (o->argInfo & POPT_ARG_MASK) {
	case POPT_ARG_NONE:
	case POPT_ARG_VAL:
		return false;
	default:
		return !(o->argInfo & POPT_ARGFLAG_OPTIONAL);
	}
}

static bool is_option(const struct poptOption *o)
{
	unsigned type = o->argInfo & POPT_ARG_MASK;
	return type != POPT_ARG_INCLUDE_TABLE && type != POPT_ARG_CALLBACK &&
	       type != POPT_ARG_INTL_DOMAIN;
}

/* The option of table (or an included one) named name (len bytes) or, with name NULL,
 * with short name c. */
static const struct poptOption *find(const struct poptOption *table, const char *name,
				     size_t len, char c)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			const struct poptOption *f = find(o->arg, name, len, c);
			if (f != NULL)
				return f;
			continue;
		}
		if (!is_option(o))
			continue;
		if (name != NULL && o->longName != NULL && strlen(o->longName) == len &&
		    strncmp(o->longName, name, len) == 0)
			return o;
		if (name == NULL && c != '\0' && o->shortName == c)
			return o;
	}
	return NULL;
}

static const struct mk_refused_option *refused(const char *name, size_t len)
{
	char buf[64];
	if (len >= sizeof(buf))
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return mk_refused_find(buf);
}

static enum mk_scan_verdict refuse(char *why, size_t why_len, const char *typed,
				   const char *letter, const struct mk_refused_option *r)
{
	if (letter != NULL)
		snprintf(why, why_len, "%s: -%s: not supported: %s", typed, letter, r->reason);
	else
		snprintf(why, why_len, "%s: not supported: %s", typed, r->reason);
	return MK_SCAN_REFUSED;
}

/* -XYZ: every letter a short option without argument (or a refused one, named). */
static enum mk_scan_verdict cluster(const struct poptOption *table, const char *a,
				    bool refused_first, char *why, size_t why_len)
{
	const struct mk_refused_option *bad = NULL;
	char bad_letter[2] = "";
	for (const char *p = a + 1; *p; p++) {
		const struct mk_refused_option *r = refused(p, 1);
		const struct poptOption *o = find(table, NULL, 0, *p);
		if (r != NULL && (refused_first || o == NULL)) {
			if (bad == NULL) {
				bad = r;
				bad_letter[0] = *p;
			}
			continue;
		}
		if (o == NULL) {
			snprintf(why, why_len, "%s: unknown option", a);
			return MK_SCAN_USAGE;
		}
		if (takes_arg(o)) {
			/* -Vfoo: xorriso refuses it; genisoimage reads -volidfoo as -v -o
			 * lidfoo.  Refused, naming the word as typed. */
			snprintf(why, why_len, "%s: unknown option", a);
			return MK_SCAN_USAGE;
		}
	}
	if (bad != NULL)
		return refuse(why, why_len, a, bad_letter, bad);
	return MK_SCAN_OK;
}

enum mk_scan_verdict mk_scan_argv(const struct poptOption *table, int argc, const char **argv,
				  bool refused_first, char **pool, char *why, size_t why_len)
{
	*pool = NULL;
	size_t bytes = 0;
	for (int i = 1; i < argc; i++)
		bytes += strlen(argv[i]) + 2;
	char *next = NULL, *end = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0')
			continue; /* a PATH, or - */
		bool two = a[1] == '-';
		const char *name = a + (two ? 2 : 1);
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct poptOption *o = NULL;
		if (len == 1 && !two) {
			const struct mk_refused_option *r = refused(name, 1);
			o = find(table, NULL, 0, name[0]);
			if (r != NULL && (refused_first || o == NULL))
				return refuse(why, why_len, a, NULL, r);
			if (o != NULL && eq != NULL && takes_arg(o)) {
				/* genisoimage takes -V=x as volume id "=x", xorriso refuses it. */
				snprintf(why, why_len, "%s: unknown option (-%c takes its argument "
					 "as the next word)", a, name[0]);
				return MK_SCAN_USAGE;
			}
		} else if (len > 1) {
			o = find(table, name, len, '\0');
			if (o == NULL) {
				const struct mk_refused_option *r = refused(name, len);
				if (r != NULL)
					return refuse(why, why_len, a, NULL, r);
				if (two || eq != NULL) {
					snprintf(why, why_len, "%s: unknown option", a);
					return MK_SCAN_USAGE;
				}
				enum mk_scan_verdict v = cluster(table, a, refused_first, why,
								 why_len);
				if (v != MK_SCAN_OK)
					return v;
				continue;
			}
		}
		if (o == NULL) {
			snprintf(why, why_len, "%s: unknown option", a);
			return MK_SCAN_USAGE;
		}
		if (len > 1 && !two && !(o->argInfo & POPT_ARGFLAG_ONEDASH)) {
			if (*pool == NULL && (*pool = next = malloc(bytes)) == NULL) {
				snprintf(why, why_len, "out of memory");
				return MK_SCAN_USAGE;
			}
			end = *pool + bytes;
			int n = snprintf(next, (size_t)(end - next), "-%s", a);
			argv[i] = next;
			next += n + 1;
		}
		if (!takes_arg(o)) {
			if (eq != NULL && !(o->argInfo & POPT_ARGFLAG_OPTIONAL)) {
				snprintf(why, why_len, "%s: %.*s takes no argument", a,
					 (int)(eq - a), a);
				return MK_SCAN_USAGE;
			}
			continue;
		}
		if (eq != NULL)
			continue;
		if (i + 1 >= argc) {
			snprintf(why, why_len, "%s needs an argument", a);
			return MK_SCAN_USAGE;
		}
		i++; /* the argument, whatever it looks like */
	}
	return MK_SCAN_OK;
}
