// SPDX-License-Identifier: MIT
/*
 * The ini configuration, parsed with inih.
 *
 * inih tells its handler neither the line number nor where a section
 * starts, so the text is fed to it line by line through our own reader
 * (ini_parse_stream): the reader counts lines and section headers, and the
 * handler, which inih calls while the line just read is current, knows both.
 */
#include "backend/config.h"
#include "backend/output/kinds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* inih's own limit (ini.c MAX_SECTION): it truncates longer section names
 * without a word. It also splits lines that do not fit its INI_MAX_LINE
 * buffer, which read_line() refuses before inih sees them. */
#define INIH_MAX_SECTION 50

/* Refuse files that cannot be a configuration rather than read them whole. */
#define CONFIG_MAX_FILE_SIZE (1u << 20)

enum config_key {
	KEY_IMPORT,
	KEY_OUTPUT,
	/* Captures, by the headless output and KMS writeback. */
	KEY_PNG_DIR,
	KEY_PNG_EVERY,
	/* Per device: [backend] or a section whose unique-id is "*". */
	KEY_MAX_BUFFERS,
	KEY_MAX_FRAMEBUFFERS,
	KEY_MAX_PAGES,
	KEY_MAX_WIDTH,
	KEY_MAX_HEIGHT,
	KEY_BE_ALLOC,
	/* All guests together: [backend] only. */
	KEY_MAX_TOTAL_BUFFERS,
	KEY_MAX_TOTAL_PAGES,
	KEY_COUNT,
	/* Then the outputs' own keys (backend/output/kinds.h), in table order. */
};

#define FIRST_DEVICE_KEY KEY_MAX_BUFFERS
#define FIRST_BACKEND_KEY KEY_MAX_TOTAL_BUFFERS

#define KEY_BIT(key) (UINT64_C(1) << (key))
#define MAX_KEYS 64 /* bits in a set mask */

/* Where the handler is writing: [backend] or one guest section. */
struct current_section {
	unsigned header_seq; /* reader's header count when this section began */
	unsigned line;	     /* its header's, as far as we know */
	char name[INIH_MAX_SECTION];
	struct vdispl_output_config *output;
	struct vdispl_limits *limits;
	bool any_unique_id; /* [backend], or unique-id "*": per-device keys allowed */
	uint64_t *set_mask;
};

struct parse_state {
	struct vdispl_config *config;

	/* Reader: the rest of the text, and what it has seen. */
	const char *next;
	unsigned lineno;
	unsigned header_seq;
	unsigned header_line;  /* of the latest header */
	bool key_since_header; /* inih's "prev_name": indented lines continue it */
	unsigned continuation_line;

	/* Handler. */
	bool have_section;
	bool backend_seen;
	uint64_t backend_mask;
	struct current_section cur;

	/* The first error we found; inih reports its own syntax errors. */
	unsigned error_line;
	char error[384];
};

/* Record the first error, at @line; returns 0 for the inih handler. */
__attribute__((format(printf, 3, 0))) static int vfail_at(struct parse_state *st, unsigned line,
							  const char *fmt, va_list ap)
{
	if (!st->error_line) {
		st->error_line = line;
		vsnprintf(st->error, sizeof(st->error), fmt, ap);
	}
	return 0;
}

__attribute__((format(printf, 2, 3))) static int fail(struct parse_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(st, st->lineno, fmt, ap);
	va_end(ap);
	return 0;
}

/* Errors in a section name belong to its header line, which inih lets us
 * see only at the section's first key. */
__attribute__((format(printf, 2, 3))) static int fail_section(struct parse_state *st,
							      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(st, st->cur.line, fmt, ap);
	va_end(ap);
	return 0;
}

static const struct vdispl_output_key *output_key(int index);
static bool parse_bool(const char *s, bool *out);
static bool parse_u32(const char *s, uint32_t *out);

void vdispl_config_init(struct vdispl_config *config)
{
	const struct vdispl_output_key *key;

	memset(config, 0, sizeof(*config));
	config->defaults.kind = VDISPL_OUTPUT_KMS;
	/* The outputs' defaults are strings their tables give. */
	for (int i = KEY_COUNT; (key = output_key(i)); i++) {
		char *field = (char *)&config->defaults + key->offset;

		if (!key->default_value)
			continue;
		if (key->type == VDISPL_OUTPUT_KEY_BOOL)
			parse_bool(key->default_value, (bool *)field);
		else if (key->type == VDISPL_OUTPUT_KEY_U32)
			parse_u32(key->default_value, (uint32_t *)field);
		else
			snprintf(field, VDISPL_CONFIG_STR, "%s", key->default_value);
	}
	strcpy(config->defaults.png_dir, ".");
	config->defaults.png_every = 0;
	config->limits = (struct vdispl_limits){
		.max_buffers = VDISPL_DEFAULT_MAX_BUFFERS,
		.max_framebuffers = VDISPL_DEFAULT_MAX_FRAMEBUFFERS,
		.max_pages = VDISPL_DEFAULT_MAX_PAGES,
		.max_width = VDISPL_DEFAULT_MAX_WIDTH,
		.max_height = VDISPL_DEFAULT_MAX_HEIGHT,
		.be_alloc = false,
	};
	config->max_total_buffers = VDISPL_DEFAULT_MAX_TOTAL_BUFFERS;
	config->max_total_pages = VDISPL_DEFAULT_MAX_TOTAL_PAGES;
}

/*
 * Mirror inih's view of a line just far enough to count section headers:
 * after a key, an indented line is a continuation of its value, not a
 * header. Also catch section names inih would silently truncate.
 */
static void note_line(struct parse_state *st, const char *line)
{
	const char *s = line;
	const char *end;

	if (st->lineno == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == ';' || *s == '#')
		return;
	if (s > line && st->key_since_header) {
		st->continuation_line = st->lineno;
		return;
	}
	if (*s != '[') {
		st->key_since_header = true;
		return;
	}
	st->header_seq++;
	st->header_line = st->lineno;
	st->key_since_header = false;
	end = strchr(s, ']');
	if (end && end - s - 1 >= INIH_MAX_SECTION)
		fail(st, "section name longer than %d characters", INIH_MAX_SECTION - 1);
}

/* ini_reader: fgets() over the string, refusing lines inih would split. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_state *st = stream;
	size_t len;

	if (st->error_line || !*st->next || num <= 1)
		return NULL;
	len = strcspn(st->next, "\n");
	if (st->next[len] == '\n')
		len++;
	st->lineno++;
	if (len >= (size_t)num) {
		fail(st, "line longer than %d characters", num - 2);
		return NULL;
	}
	memcpy(str, st->next, len);
	str[len] = '\0';
	st->next += len;
	note_line(st, str);
	return str;
}

/* "*", or a non-empty name without whitespace or '/'. */
static bool valid_section_part(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '/' || !isgraph((unsigned char)s[i]))
			return false;
	}
	return true;
}

static struct vdispl_config_section *find_section(struct vdispl_config *config, const char *domain,
						  const char *unique_id)
{
	for (size_t i = 0; i < config->num_sections; i++) {
		struct vdispl_config_section *s = &config->sections[i];

		if (!strcmp(s->domain, domain) && !strcmp(s->unique_id, unique_id))
			return s;
	}
	return NULL;
}

static int begin_backend(struct parse_state *st)
{
	if (st->backend_seen)
		return fail_section(st, "duplicate section [backend]");
	st->backend_seen = true;
	st->cur.output = &st->config->defaults;
	st->cur.limits = &st->config->limits;
	st->cur.any_unique_id = true;
	st->cur.set_mask = &st->backend_mask;
	return 1;
}

static int begin_guest(struct parse_state *st, const char *name)
{
	struct vdispl_config *config = st->config;
	const char *slash = strchr(name, '/');
	struct vdispl_config_section *s;
	size_t domain_len;

	if (!slash)
		goto err_form;
	domain_len = (size_t)(slash - name);
	if (!valid_section_part(name, domain_len) ||
	    !valid_section_part(slash + 1, strlen(slash + 1)))
		goto err_form;
	if (config->num_sections == VDISPL_CONFIG_MAX_SECTIONS)
		return fail_section(st, "too many sections (at most %d)",
				    VDISPL_CONFIG_MAX_SECTIONS);

	/* Both parts fit: inih keeps section names under INIH_MAX_SECTION. */
	s = &config->sections[config->num_sections];
	memset(s, 0, sizeof(*s));
	memcpy(s->domain, name, domain_len);
	strcpy(s->unique_id, slash + 1);
	if (find_section(config, s->domain, s->unique_id))
		return fail_section(st, "duplicate section [%s]", name);
	s->output = config->defaults;
	s->limits = config->limits;
	config->num_sections++;
	st->cur.output = &s->output;
	st->cur.limits = &s->limits;
	st->cur.any_unique_id = !strcmp(s->unique_id, "*");
	st->cur.set_mask = &s->set_mask;
	return 1;

err_form:
	return fail_section(st, "bad section [%s]: expected [backend] or [<domain>/<unique-id>]",
			    name);
}

static int begin_section(struct parse_state *st, const char *section)
{
	/* A section we did not see begin is dated to its first key. */
	st->cur.line = st->cur.header_seq != st->header_seq ? st->header_line : st->lineno;
	st->have_section = true;
	st->cur.header_seq = st->header_seq;
	snprintf(st->cur.name, sizeof(st->cur.name), "%s", section);
	st->cur.output = NULL;
	if (!*section)
		return 1; /* keys before any header: the key handler says so */
	if (!strcmp(section, "backend"))
		return begin_backend(st);
	return begin_guest(st, section);
}

static const char *const key_names[KEY_COUNT] = {
	[KEY_IMPORT] = "import",
	[KEY_OUTPUT] = "output",
	[KEY_PNG_DIR] = "png-dir",
	[KEY_PNG_EVERY] = "png-every",
	[KEY_MAX_BUFFERS] = "max-buffers",
	[KEY_MAX_FRAMEBUFFERS] = "max-framebuffers",
	[KEY_MAX_PAGES] = "max-pages",
	[KEY_MAX_WIDTH] = "max-width",
	[KEY_MAX_HEIGHT] = "max-height",
	[KEY_BE_ALLOC] = "be-alloc",
	[KEY_MAX_TOTAL_BUFFERS] = "max-total-buffers",
	[KEY_MAX_TOTAL_PAGES] = "max-total-pages",
};

/*
 * The outputs' keys, numbered after ours in table order: @index's key, or
 * NULL past the last.
 */
static const struct vdispl_output_key *output_key(int index)
{
	int n = KEY_COUNT;

	for (size_t k = 0; k < vdispl_output_num_kinds; k++) {
		const struct vdispl_output_key *key = vdispl_output_kinds[k].keys;

		for (; key && key->name; key++, n++)
			if (n == index)
				return key;
	}
	return NULL;
}

static int find_key(const char *name)
{
	const struct vdispl_output_key *key;

	for (int i = 0; i < KEY_COUNT; i++) {
		if (!strcmp(key_names[i], name))
			return i;
	}
	for (int i = KEY_COUNT; (key = output_key(i)); i++) {
		if (!strcmp(key->name, name))
			return i < MAX_KEYS ? i : -1;
	}
	return -1;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* "<a><sep><b>", two decimal numbers. */
static bool parse_u32_pair(const char *s, char sep, uint32_t *a, uint32_t *b)
{
	const char *mid = strchr(s, sep);
	char first[16];

	if (!mid || (size_t)(mid - s) >= sizeof(first))
		return false;
	memcpy(first, s, (size_t)(mid - s));
	first[mid - s] = '\0';
	return parse_u32(first, a) && parse_u32(mid + 1, b);
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const truths[] = {"true", "yes", "1"};
	static const char *const lies[] = {"false", "no", "0"};

	for (size_t i = 0; i < 3; i++) {
		if (!strcasecmp(s, truths[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(s, lies[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static int set_string(struct parse_state *st, char *dst, const char *value, const char *key,
		      bool may_be_empty)
{
	size_t len = strlen(value);

	if (!len && !may_be_empty)
		return fail(st, "empty value for '%s' in [%s]", key, st->cur.name);
	if (len >= VDISPL_CONFIG_STR)
		return fail(st, "value for '%s' in [%s] longer than %d characters", key,
			    st->cur.name, VDISPL_CONFIG_STR - 1);
	memcpy(dst, value, len + 1);
	return 1;
}

static int bad_value(struct parse_state *st, const char *key, const char *value,
		     const char *expected)
{
	return fail(st, "bad value '%s' for '%s' in [%s]: expected %s", value, key, st->cur.name,
		    expected);
}

static const char *const import_names[VDISPL_IMPORT_KINDS] = {
	[VDISPL_IMPORT_AUTO] = "auto",
	[VDISPL_IMPORT_MODULE] = "module",
	[VDISPL_IMPORT_GNTDEV_DMABUF] = "gntdev-dmabuf",
	[VDISPL_IMPORT_COPY] = "copy",
};

const char *vdispl_import_kind_name(enum vdispl_import_kind kind)
{
	return kind < VDISPL_IMPORT_KINDS ? import_names[kind] : "unknown";
}

/* import: how buffers are taken is the daemon's, not a connector's, business. */
static int set_import(struct parse_state *st, const char *value)
{
	if (st->cur.output != &st->config->defaults)
		return fail(st, "'import' belongs in [backend], not [%s]", st->cur.name);
	for (int i = 0; i < VDISPL_IMPORT_KINDS; i++) {
		if (!strcmp(value, import_names[i])) {
			st->config->import = (enum vdispl_import_kind)i;
			return 1;
		}
	}
	return bad_value(st, key_names[KEY_IMPORT], value, "auto, module, gntdev-dmabuf or copy");
}

/* A cap: @min .. @max. */
static int set_cap(struct parse_state *st, const char *name, const char *value, uint32_t min,
		   uint32_t max, uint32_t *out)
{
	char expected[64];

	if (!parse_u32(value, out) || *out < min || *out > max) {
		snprintf(expected, sizeof(expected), "a decimal number from %u to %u", min, max);
		return bad_value(st, name, value, expected);
	}
	return 1;
}

/* output: a name of the kinds' table. */
static int set_output_kind(struct parse_state *st, struct vdispl_output_config *out,
			   const char *value)
{
	char expected[128] = "";
	size_t len = 0;

	for (size_t k = 0; k < vdispl_output_num_kinds; k++) {
		if (!strcmp(value, vdispl_output_kinds[k].name)) {
			out->kind = vdispl_output_kinds[k].kind;
			return 1;
		}
	}
	/* "kms, headless or wayland" */
	for (size_t k = 0; k < vdispl_output_num_kinds && len < sizeof(expected); k++)
		len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s",
					!k ? ""
					: k + 1 < vdispl_output_num_kinds ? ", "
									  : " or ",
					vdispl_output_kinds[k].name);
	return bad_value(st, key_names[KEY_OUTPUT], value, expected);
}

static int set_output_key(struct parse_state *st, const struct vdispl_output_key *key,
			  const char *value)
{
	void *field = (char *)st->cur.output + key->offset;

	switch (key->type) {
	case VDISPL_OUTPUT_KEY_STRING:
	case VDISPL_OUTPUT_KEY_STRING_OR_EMPTY:
		return set_string(st, field, value, key->name,
				  key->type == VDISPL_OUTPUT_KEY_STRING_OR_EMPTY);
	case VDISPL_OUTPUT_KEY_BOOL:
		if (!parse_bool(value, field))
			return bad_value(st, key->name, value, "true, false, yes, no, 1 or 0");
		return 1;
	case VDISPL_OUTPUT_KEY_U32:
		if (!parse_u32(value, field))
			return bad_value(st, key->name, value, "a decimal number below 2^32");
		return 1;
	case VDISPL_OUTPUT_KEY_POINT: {
		struct vdispl_point *p = field;

		if (!parse_u32_pair(value, ',', &p->x, &p->y) || p->x > VDISPL_MAX_RESOLUTION ||
		    p->y > VDISPL_MAX_RESOLUTION)
			return bad_value(st, key->name, value, "X,Y with each from 0 to 16384");
		p->set = true;
		return 1;
	}
	case VDISPL_OUTPUT_KEY_SIZE: {
		struct vdispl_size *sz = field;

		if (!parse_u32_pair(value, 'x', &sz->width, &sz->height) || !sz->width ||
		    !sz->height || sz->width > VDISPL_MAX_RESOLUTION ||
		    sz->height > VDISPL_MAX_RESOLUTION)
			return bad_value(st, key->name, value, "WxH with each from 1 to 16384");
		return 1;
	}
	}
	return fail(st, "internal error: key type %d", (int)key->type);
}

/* An output key's value from @in to @out. */
static void copy_output_key(struct vdispl_output_config *out,
			    const struct vdispl_output_config *in,
			    const struct vdispl_output_key *key)
{
	static const size_t sizes[] = {
		[VDISPL_OUTPUT_KEY_STRING] = VDISPL_CONFIG_STR,
		[VDISPL_OUTPUT_KEY_STRING_OR_EMPTY] = VDISPL_CONFIG_STR,
		[VDISPL_OUTPUT_KEY_BOOL] = sizeof(bool),
		[VDISPL_OUTPUT_KEY_U32] = sizeof(uint32_t),
		[VDISPL_OUTPUT_KEY_POINT] = sizeof(struct vdispl_point),
		[VDISPL_OUTPUT_KEY_SIZE] = sizeof(struct vdispl_size),
	};

	memcpy((char *)out + key->offset, (const char *)in + key->offset, sizes[key->type]);
}

static int set_key(struct parse_state *st, enum config_key key, const char *value)
{
	struct vdispl_output_config *out = st->cur.output;
	struct vdispl_limits *limits = st->cur.limits;
	const char *name;

	/* An output's key: per connector, like output itself. */
	if (key >= KEY_COUNT)
		return output_key((int)key) ? set_output_key(st, output_key((int)key), value)
					    : fail(st, "internal error: key %d", (int)key);
	name = key_names[key];

	if (key >= FIRST_BACKEND_KEY && out != &st->config->defaults)
		return fail(st, "'%s' counts all guests together: it belongs in [backend], not [%s]",
			    name, st->cur.name);
	if (key >= FIRST_DEVICE_KEY && !st->cur.any_unique_id)
		return fail(st, "'%s' is per device: it belongs in [backend] or a section for "
			    "unique-id *, not [%s]", name, st->cur.name);
	switch (key) {
	case KEY_IMPORT:
		return set_import(st, value);
	case KEY_OUTPUT:
		return set_output_kind(st, out, value);
	case KEY_PNG_DIR:
		return set_string(st, out->png_dir, value, name, false);
	case KEY_PNG_EVERY:
		if (!parse_u32(value, &out->png_every))
			return bad_value(st, name, value, "a decimal number below 2^32");
		return 1;
	case KEY_MAX_BUFFERS:
		return set_cap(st, name, value, 1, UINT32_MAX, &limits->max_buffers);
	case KEY_MAX_FRAMEBUFFERS:
		return set_cap(st, name, value, 1, UINT32_MAX, &limits->max_framebuffers);
	case KEY_MAX_PAGES:
		return set_cap(st, name, value, 1, UINT32_MAX, &limits->max_pages);
	case KEY_MAX_WIDTH:
		return set_cap(st, name, value, 1, VDISPL_MAX_RESOLUTION, &limits->max_width);
	case KEY_MAX_HEIGHT:
		return set_cap(st, name, value, 1, VDISPL_MAX_RESOLUTION, &limits->max_height);
	case KEY_BE_ALLOC:
		if (!parse_bool(value, &limits->be_alloc))
			return bad_value(st, name, value, "true, false, yes, no, 1 or 0");
		return 1;
	case KEY_MAX_TOTAL_BUFFERS:
		return set_cap(st, name, value, 1, UINT32_MAX, &st->config->max_total_buffers);
	case KEY_MAX_TOTAL_PAGES:
		return set_cap(st, name, value, 1, UINT32_MAX, &st->config->max_total_pages);
	case KEY_COUNT:
		break;
	}
	return fail(st, "internal error: key %d", (int)key);
}

/* ini_handler: one call per key, with the section it is in. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	int key;

	if (st->error_line)
		return 0;
	/* A header since the last key, or a section name we did not see as
	 * one (should our reader's view of lines drift from inih's). */
	if (!st->have_section || st->cur.header_seq != st->header_seq ||
	    strcmp(st->cur.name, section)) {
		if (!begin_section(st, section))
			return 0;
	}
	if (!name || !value)
		return 1; /* a new section, from an inih built to report them */
	if (!*section)
		return fail(st, "key '%s' before any [section]", name);

	/* inih glues an indented line to the previous value (multi-line
	 * values); none of our values spans lines, so say what happened. */
	if (st->continuation_line == st->lineno)
		return fail(st, "indented line continues the value of '%s' in [%s]", name, section);
	key = find_key(name);
	if (key < 0)
		return fail(st, "unknown key '%s' in [%s]", name, section);
	if (*st->cur.set_mask & KEY_BIT(key))
		return fail(st, "duplicate key '%s' in [%s]", name, section);
	*st->cur.set_mask |= KEY_BIT(key);
	return set_key(st, (enum config_key)key, value);
}

static void report(char *error, size_t error_size, unsigned line, const char *what)
{
	if (error && error_size)
		snprintf(error, error_size, "line %u: %s", line, what);
}

int vdispl_config_parse_string(struct vdispl_config *config, const char *text, char *error,
			       size_t error_size)
{
	struct parse_state *st;
	int ret;

	/* Parse into a copy so a bad file leaves the running configuration
	 * as it was: a reload can then simply be refused. */
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->config = malloc(sizeof(*st->config));
	if (!st->config) {
		ret = -ENOMEM;
		goto err_config;
	}
	*st->config = *config;
	st->next = text;

	ret = ini_parse_stream(read_line, st, handle_key, st);
	if (ret < 0) {
		ret = -ENOMEM; /* inih could not allocate its line buffer */
		goto err_parse;
	}
	/* Both inih and we keep only our first error: the earlier wins. */
	if (ret > 0 && (!st->error_line || (unsigned)ret < st->error_line)) {
		report(error, error_size, (unsigned)ret,
		       "syntax error: expected [section], key = value or a comment");
		ret = -EINVAL;
		goto err_parse;
	}
	if (st->error_line) {
		report(error, error_size, st->error_line, st->error);
		ret = -EINVAL;
		goto err_parse;
	}

	*config = *st->config;
	ret = 0;
err_parse:
	free(st->config);
err_config:
	free(st);
	return ret;
}

static int read_file(const char *path, char **text)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(CONFIG_MAX_FILE_SIZE + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto err_alloc;
	}
	/* Read one octet past the limit to tell "full" from "too big". */
	while (len <= CONFIG_MAX_FILE_SIZE) {
		n = read(fd, buf + len, CONFIG_MAX_FILE_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto err_read;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_MAX_FILE_SIZE) {
		ret = -EFBIG;
		goto err_read;
	}
	buf[len] = '\0';
	close(fd);
	*text = buf;
	return (int)len;

err_read:
	free(buf);
err_alloc:
	close(fd);
	return ret;
}

int vdispl_config_parse_file(struct vdispl_config *config, const char *path, char *error,
			     size_t error_size)
{
	char *text = NULL;
	int len, ret;

	len = read_file(path, &text);
	if (len < 0) {
		if (error && error_size)
			snprintf(error, error_size, "%s: %s", path, strerror(-len));
		return len;
	}
	if (memchr(text, '\0', (size_t)len)) {
		if (error && error_size)
			snprintf(error, error_size, "%s: not a text file (contains NUL)", path);
		free(text);
		return -EINVAL;
	}
	ret = vdispl_config_parse_string(config, text, error, error_size);
	free(text);
	return ret;
}

/* @s names the domain itself (by id or name), not "*". */
static bool names_domain(const struct vdispl_config_section *s, const char *domid,
			 const char *domain_name)
{
	return !strcmp(s->domain, domid) || (domain_name && !strcmp(s->domain, domain_name));
}

/*
 * How specifically @s names this connector: 3 domain and unique-id, 2
 * domain with "*", 1 "*" with unique-id, 0 "*" with "*", -1 not at all.
 */
static int section_rank(const struct vdispl_config_section *s, const char *domid,
			const char *domain_name, const char *unique_id)
{
	bool domain_exact, uid_exact;

	domain_exact = names_domain(s, domid, domain_name);
	if (!domain_exact && strcmp(s->domain, "*"))
		return -1;
	uid_exact = unique_id && *unique_id && !strcmp(s->unique_id, unique_id);
	if (!uid_exact && strcmp(s->unique_id, "*"))
		return -1;
	return (domain_exact ? 2 : 0) + (uid_exact ? 1 : 0);
}

static void apply_section(struct vdispl_output_config *out, const struct vdispl_config_section *s)
{
	const struct vdispl_output_config *in = &s->output;

	const struct vdispl_output_key *key;

	if (s->set_mask & KEY_BIT(KEY_OUTPUT))
		out->kind = in->kind;
	if (s->set_mask & KEY_BIT(KEY_PNG_DIR))
		memcpy(out->png_dir, in->png_dir, sizeof(out->png_dir));
	if (s->set_mask & KEY_BIT(KEY_PNG_EVERY))
		out->png_every = in->png_every;
	for (int i = KEY_COUNT; i < MAX_KEYS && (key = output_key(i)); i++) {
		if (s->set_mask & KEY_BIT(i))
			copy_output_key(out, in, key);
	}
}

static void apply_limits(struct vdispl_limits *out, const struct vdispl_config_section *s)
{
	const struct vdispl_limits *in = &s->limits;

	if (s->set_mask & KEY_BIT(KEY_MAX_BUFFERS))
		out->max_buffers = in->max_buffers;
	if (s->set_mask & KEY_BIT(KEY_MAX_FRAMEBUFFERS))
		out->max_framebuffers = in->max_framebuffers;
	if (s->set_mask & KEY_BIT(KEY_MAX_PAGES))
		out->max_pages = in->max_pages;
	if (s->set_mask & KEY_BIT(KEY_MAX_WIDTH))
		out->max_width = in->max_width;
	if (s->set_mask & KEY_BIT(KEY_MAX_HEIGHT))
		out->max_height = in->max_height;
	if (s->set_mask & KEY_BIT(KEY_BE_ALLOC))
		out->be_alloc = in->be_alloc;
}

void vdispl_config_lookup_limits(const struct vdispl_config *config, uint32_t domid,
				 const char *domain_name, struct vdispl_limits *out)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", domid);
	*out = config->limits;
	/* Only sections for unique-id "*" match a NULL unique-id: ranks 0 and 2. */
	for (int rank = 0; rank <= 3; rank++) {
		for (size_t i = 0; i < config->num_sections; i++) {
			if (section_rank(&config->sections[i], id, domain_name, NULL) == rank)
				apply_limits(out, &config->sections[i]);
		}
	}
}

bool vdispl_config_domain_may_use(const struct vdispl_config *config, uint32_t domid,
				  const char *domain_name, enum vdispl_output_kind kind)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", domid);
	if (config->defaults.kind == kind)
		return true;
	for (size_t i = 0; i < config->num_sections; i++) {
		const struct vdispl_config_section *s = &config->sections[i];
		bool domain = !strcmp(s->domain, "*") || names_domain(s, id, domain_name);

		if (domain && (s->set_mask & KEY_BIT(KEY_OUTPUT)) && s->output.kind == kind)
			return true;
	}
	return false;
}

void vdispl_config_lookup(const struct vdispl_config *config, uint32_t domid,
			  const char *domain_name, const char *unique_id,
			  struct vdispl_output_config *out)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", domid);
	*out = config->defaults;
	/* Least specific first, so for each key the most specific section
	 * that sets it has the last word. */
	for (int rank = 0; rank <= 3; rank++) {
		for (size_t i = 0; i < config->num_sections; i++) {
			if (section_rank(&config->sections[i], id, domain_name, unique_id) == rank)
				apply_section(out, &config->sections[i]);
		}
	}
}
