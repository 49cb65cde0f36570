// SPDX-License-Identifier: MIT
/*
 * The ini configuration: values, lookup precedence, and every error with
 * the line it names.
 */
#include "backend/config.h"
#include "backend/output/kinds.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/tap.h"

static struct vdispl_config config;
static char error[512];

static int parse(const char *text)
{
	vdispl_config_init(&config);
	error[0] = '\0';
	return vdispl_config_parse_string(&config, text, error, sizeof(error));
}

/* @text must fail with exactly @want as the message. */
static void expect_error(const char *text, const char *want, const char *what)
{
	int ret = parse(text);

	TAP_EQ_INT(ret, -EINVAL, "%s: -EINVAL", what);
	TAP_CHECK(!strcmp(error, want), "%s: \"%s\"", what, error);
	if (strcmp(error, want))
		printf("#   want \"%s\"\n", want);
}

static void test_defaults(void)
{
	struct vdispl_output_config out;

	vdispl_config_init(&config);
	TAP_EQ_INT(config.defaults.kind, VDISPL_OUTPUT_KMS, "default output kms");
	TAP_CHECK(!strcmp(config.defaults.drm_device, "/dev/dri/card0"), "default drm-device");
	TAP_CHECK(!strcmp(config.defaults.png_dir, "."), "default png-dir");
	TAP_CHECK(!config.defaults.png_every && !config.defaults.kms_legacy &&
		      !config.defaults.drm_connector[0],
		  "png-every 0, kms-legacy off, drm-connector unset");
	TAP_EQ_INT(config.num_sections, 0, "no sections");

	TAP_EQ_INT(parse(""), 0, "empty text parses");
	TAP_EQ_INT(parse("; only a comment\n# and another\n\n"), 0, "comments parse");
	vdispl_config_lookup(&config, 1, "guest", "0", &out);
	TAP_CHECK(!memcmp(&out, &config.defaults, sizeof(out)),
		  "lookup without sections: defaults");
}

static void test_header_example(void)
{
	/* The example of config.h, word for word. */
	static const char text[] =
	    "[backend]                 ; defaults for every connector\n"
	    "import = auto             ; how guest buffers are taken: auto | module |\n"
	    "                          ; gntdev-dmabuf | copy ([backend] only)\n"
	    "output = kms              ; kms | headless | wayland\n"
	    "drm-device = /dev/dri/card0\n"
	    "\n"
	    "[guest1/id0]              ; <domain name or id>/<unique-id>, either "
	    "may be *\n"
	    "output = kms\n"
	    "drm-device = /dev/dri/card1\n"
	    "drm-connector = Virtual-1 ; host connector name; empty: first free "
	    "connected one\n"
	    "\n"
	    "[*/id1]\n"
	    "output = headless\n"
	    "png-dir = /var/lib/vdispl\n"
	    "png-every = 30            ; write every 30th flip; 0: only on SIGUSR2\n";
	struct vdispl_output_config out;

	TAP_EQ_INT(parse(text), 0, "header example parses: %s", error);
	TAP_EQ_INT(config.import, VDISPL_IMPORT_AUTO, "import auto");
	TAP_EQ_INT(config.num_sections, 2, "two guest sections");
	TAP_CHECK(!strcmp(config.sections[0].domain, "guest1") &&
		      !strcmp(config.sections[0].unique_id, "id0"),
		  "first is guest1/id0");
	TAP_CHECK(!strcmp(config.sections[1].domain, "*") &&
		      !strcmp(config.sections[1].unique_id, "id1"),
		  "second is */id1");

	vdispl_config_lookup(&config, 3, "guest1", "id0", &out);
	TAP_CHECK(out.kind == VDISPL_OUTPUT_KMS && !strcmp(out.drm_device, "/dev/dri/card1") &&
		      !strcmp(out.drm_connector, "Virtual-1"),
		  "guest1/id0: kms on card1 Virtual-1 (inline comment stripped)");
	TAP_CHECK(!strcmp(out.png_dir, "."), "guest1/id0: png-dir from the built-in default");

	vdispl_config_lookup(&config, 9, "other", "id1", &out);
	TAP_CHECK(out.kind == VDISPL_OUTPUT_HEADLESS && !strcmp(out.png_dir, "/var/lib/vdispl") &&
		      out.png_every == 30,
		  "other/id1: headless into /var/lib/vdispl every 30");
	TAP_CHECK(!strcmp(out.drm_device, "/dev/dri/card0"),
		  "other/id1: drm-device from [backend]");

	vdispl_config_lookup(&config, 3, "guest1", "id2", &out);
	TAP_CHECK(!memcmp(&out, &config.defaults, sizeof(out)), "guest1/id2: [backend] only");
}

static void test_values(void)
{
	static const struct {
		const char *value;
		bool want;
	} bools[] = {
		{"true", true},   {"yes", true}, {"1", true},  {"TRUE", true},
		{"false", false}, {"no", false}, {"0", false}, {"No", false},
	};
	static const struct {
		const char *value;
		uint32_t want;
	} numbers[] = {
		{"0", 0},
		{"30", 30},
		{"007", 7},
		{"4294967295", UINT32_MAX},
	};
	char text[128];

	struct vdispl_output_config out;

	/* [backend] says the opposite, so a value that parsed to nothing shows. */
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		snprintf(text, sizeof(text), "[backend]\nkms-legacy = %s\n[a/b]\nkms-legacy = %s\n",
			 bools[i].want ? "no" : "yes", bools[i].value);
		TAP_EQ_INT(parse(text), 0, "kms-legacy = %s parses", bools[i].value);
		vdispl_config_lookup(&config, 0, "a", "b", &out);
		TAP_CHECK(out.kms_legacy == bools[i].want &&
			      config.defaults.kms_legacy != bools[i].want,
			  "kms-legacy = %s is %d", bools[i].value, bools[i].want);
	}
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		snprintf(text, sizeof(text), "[backend]\npng-every = %s\n", numbers[i].value);
		TAP_CHECK(!parse(text) && config.defaults.png_every == numbers[i].want,
			  "png-every = %s", numbers[i].value);
	}
	TAP_CHECK(!parse("[backend]\noutput=headless\n") &&
		      config.defaults.kind == VDISPL_OUTPUT_HEADLESS,
		  "output=headless without spaces");
	TAP_CHECK(!parse("[backend]\ndrm-connector =\n") && !config.defaults.drm_connector[0],
		  "empty drm-connector: first free one");
	TAP_CHECK(!parse("[backend]\noutput = wayland\n[g/id0]\nwayland-display = wayland-1\n"),
		  "output = wayland with a wayland-display");
	vdispl_config_lookup(&config, 1, "g", "id0", &out);
	TAP_CHECK(out.kind == VDISPL_OUTPUT_WAYLAND && !strcmp(out.wayland_display, "wayland-1"),
		  "g/id0: wayland on wayland-1");
	vdispl_config_lookup(&config, 1, "g", "id1", &out);
	TAP_CHECK(out.kind == VDISPL_OUTPUT_WAYLAND && !out.wayland_display[0],
		  "g/id1: wayland on $WAYLAND_DISPLAY (wayland-display unset)");
	TAP_CHECK(!parse("[backend]\noutput = wayland\n[g/id0]\nivi-id = 1001\n"),
		  "output = wayland with an ivi-id");
	vdispl_config_lookup(&config, 1, "g", "id0", &out);
	TAP_CHECK(out.ivi_id == 1001, "g/id0: ivi-id 1001");
	vdispl_config_lookup(&config, 1, "g", "id1", &out);
	TAP_CHECK(out.ivi_id == 0, "g/id1: no ivi-id (a window)");
	TAP_CHECK(parse("[backend]\noutput = wayland\n[g/id0]\nivi-id = -1\n") < 0,
		  "a negative ivi-id is an error");
	TAP_CHECK(!parse("\xef\xbb\xbf[backend]\r\npng-dir = /tmp/x\r\n") &&
		      !strcmp(config.defaults.png_dir, "/tmp/x"),
		  "BOM and CRLF");
	TAP_CHECK(!parse("[backend]\npng-dir = /a b;c\n") &&
		      !strcmp(config.defaults.png_dir, "/a b;c"),
		  "';' not after a space is part of the value");
	TAP_CHECK(!parse("[backend]\ndrm-device: /dev/dri/card3\n") &&
		      !strcmp(config.defaults.drm_device, "/dev/dri/card3"),
		  "':' works as '=' (inih)");
}

/* A layout: regions of one display, the keys resolved per connector. */
static void test_layout(void)
{
	struct vdispl_output_config out;

	TAP_CHECK(!parse("[backend]\ndrm-connector = Virtual-1\n"
			 "[g1/id0]\nposition = 0,0\nsize = 640x480\n"
			 "[g2/id0]\nposition = 560,400\nz-order = 2\n"),
		  "a layout of two guests parses");
	vdispl_config_lookup(&config, 1, "g1", "id0", &out);
	TAP_CHECK(out.position.set && out.position.x == 0 && out.position.y == 0 &&
			  out.size.width == 640 && out.size.height == 480 && out.z_order == 0 &&
			  !strcmp(out.drm_connector, "Virtual-1"),
		  "g1/id0: at 0,0, 640x480, z-order 0, on [backend]'s connector");
	vdispl_config_lookup(&config, 2, "g2", "id0", &out);
	TAP_CHECK(out.position.set && out.position.x == 560 && out.position.y == 400 &&
			  !out.size.width && !out.size.height && out.z_order == 2,
		  "g2/id0: at 560,400, its own size, z-order 2");
	vdispl_config_lookup(&config, 3, "g3", "id0", &out);
	TAP_CHECK(!out.position.set, "g3/id0: no position, a display of its own");
	expect_error("[backend]\nposition = 10\n",
		     "line 2: bad value '10' for 'position' in [backend]: expected X,Y with each "
		     "from 0 to 16384",
		     "position without Y");
	expect_error("[g/id0]\nposition = 1,20000\n",
		     "line 2: bad value '1,20000' for 'position' in [g/id0]: expected X,Y with each "
		     "from 0 to 16384",
		     "position beyond 16384");
	expect_error("[g/id0]\nsize = 0x480\n",
		     "line 2: bad value '0x480' for 'size' in [g/id0]: expected WxH with each from 1 "
		     "to 16384",
		     "size with a zero width");
	expect_error("[g/id0]\nsize = 640,480\n",
		     "line 2: bad value '640,480' for 'size' in [g/id0]: expected WxH with each from 1 "
		     "to 16384",
		     "size with a comma");
	expect_error("[g/id0]\nposition = -1,0\n",
		     "line 2: bad value '-1,0' for 'position' in [g/id0]: expected X,Y with each from "
		     "0 to 16384",
		     "negative position");
}

static void test_precedence(void)
{
	static const char text[] = "[backend]\n"
				   "png-every = 1\n"
				   "[*/*]\n"
				   "png-every = 2\n"
				   "png-dir = /all\n"
				   "[*/id0]\n"
				   "png-every = 3\n"
				   "drm-connector = C3\n"
				   "[guest/*]\n"
				   "png-every = 4\n"
				   "drm-device = /dev/dri/card4\n"
				   "[guest/id0]\n"
				   "png-every = 5\n"
				   "[7/*]\n"
				   "output = headless\n";
	struct vdispl_output_config out;

	TAP_EQ_INT(parse(text), 0, "precedence text parses: %s", error);

	vdispl_config_lookup(&config, 1, "guest", "id0", &out);
	TAP_EQ_INT(out.png_every, 5, "domain/unique-id beats everything");
	TAP_CHECK(!strcmp(out.drm_device, "/dev/dri/card4"), "unset keys from domain/*");
	TAP_CHECK(!strcmp(out.drm_connector, "C3"), "then from */unique-id");
	TAP_CHECK(!strcmp(out.png_dir, "/all"), "then from */*");
	TAP_EQ_INT(out.kind, VDISPL_OUTPUT_KMS, "then from [backend] and built-ins");

	vdispl_config_lookup(&config, 1, "guest", "id1", &out);
	TAP_EQ_INT(out.png_every, 4, "domain/* beats */unique-id");
	TAP_CHECK(!out.drm_connector[0], "*/id0 does not match id1");

	vdispl_config_lookup(&config, 2, "other", "id0", &out);
	TAP_EQ_INT(out.png_every, 3, "*/unique-id beats */*");

	vdispl_config_lookup(&config, 2, "other", "id9", &out);
	TAP_EQ_INT(out.png_every, 2, "*/* beats [backend]");

	vdispl_config_lookup(&config, 7, "seven", "id9", &out);
	TAP_EQ_INT(out.kind, VDISPL_OUTPUT_HEADLESS, "domain matched by decimal id");
	vdispl_config_lookup(&config, 7, NULL, "id9", &out);
	TAP_EQ_INT(out.kind, VDISPL_OUTPUT_HEADLESS, "by id without a name");
	vdispl_config_lookup(&config, 70, "7x", "id9", &out);
	TAP_EQ_INT(out.kind, VDISPL_OUTPUT_KMS, "id 70 is not 7");

	vdispl_config_lookup(&config, 1, "guest", NULL, &out);
	TAP_EQ_INT(out.png_every, 4, "NULL unique-id matches only *");
	vdispl_config_lookup(&config, 1, "guest", "", &out);
	TAP_EQ_INT(out.png_every, 4, "empty unique-id matches only *");
	vdispl_config_lookup(&config, 1, NULL, "id0", &out);
	TAP_EQ_INT(out.png_every, 3, "no name, id 1: only */ sections");
}

static void test_errors(void)
{
	char long_line[256];
	char long_section[128];
	char many[4096];
	size_t len = 0;

	expect_error(
	    "[backend]\noutput = kms\n\n; guest\n[guest1/id0]\noutput = kms\nouput = kms\n",
	    "line 7: unknown key 'ouput' in [guest1/id0]", "misspelt key");
	expect_error("[backend]\noutput = x11\n",
		     "line 2: bad value 'x11' for 'output' in [backend]: expected kms, headless "
		     "or wayland",
		     "bad output");
	expect_error("[backend]\nkms-legacy = maybe\n",
		     "line 2: bad value 'maybe' for 'kms-legacy' in [backend]: expected true, "
		     "false, yes, no, 1 or 0",
		     "bad bool");
	expect_error("[a/b]\npng-every = 4294967296\n",
		     "line 2: bad value '4294967296' for 'png-every' in [a/b]: expected a decimal "
		     "number below 2^32",
		     "png-every overflow");
	expect_error("[a/b]\npng-every = -1\n",
		     "line 2: bad value '-1' for 'png-every' in [a/b]: expected a decimal number "
		     "below 2^32",
		     "negative png-every");
	expect_error("[a/b]\npng-every = 0x10\n",
		     "line 2: bad value '0x10' for 'png-every' in [a/b]: expected a decimal number "
		     "below 2^32",
		     "hex png-every");
	expect_error("[a/b]\npng-every =\n",
		     "line 2: bad value '' for 'png-every' in [a/b]: expected a decimal number "
		     "below 2^32",
		     "empty png-every");
	expect_error("[backend]\ndrm-device =\n",
		     "line 2: empty value for 'drm-device' in [backend]", "empty drm-device");
	expect_error("[backend]\npng-dir = ; nothing\n",
		     "line 2: empty value for 'png-dir' in [backend]", "empty png-dir");

	expect_error("[guest1]\noutput = kms\n",
		     "line 1: bad section [guest1]: expected [backend] or [<domain>/<unique-id>]",
		     "section without '/'");
	expect_error("[/id0]\noutput = kms\n",
		     "line 1: bad section [/id0]: expected [backend] or [<domain>/<unique-id>]",
		     "empty domain");
	expect_error("[guest1/]\noutput = kms\n",
		     "line 1: bad section [guest1/]: expected [backend] or [<domain>/<unique-id>]",
		     "empty unique-id");
	expect_error("[a/b/c]\noutput = kms\n",
		     "line 1: bad section [a/b/c]: expected [backend] or [<domain>/<unique-id>]",
		     "two slashes");
	expect_error("[a b/c]\noutput = kms\n",
		     "line 1: bad section [a b/c]: expected [backend] or [<domain>/<unique-id>]",
		     "whitespace in a section");
	expect_error("[Backend]\noutput = kms\n",
		     "line 1: bad section [Backend]: expected [backend] or [<domain>/<unique-id>]",
		     "section names are case-sensitive");

	expect_error("[backend]\noutput = kms\n[a/b]\npng-every = 1\n[backend]\npng-every = 2\n",
		     "line 5: duplicate section [backend]", "duplicate [backend]");
	expect_error("[a/b]\npng-every = 1\n[c/d]\npng-every = 1\n[a/b]\npng-every = 2\n",
		     "line 5: duplicate section [a/b]", "duplicate guest section");
	expect_error("[a/b]\npng-every = 1\n[a/b]\npng-every = 2\n",
		     "line 3: duplicate section [a/b]", "duplicate guest section back to back");
	expect_error("[a/b]\npng-every = 1\npng-every = 2\n",
		     "line 3: duplicate key 'png-every' in [a/b]", "duplicate key");
	expect_error("[a/b]\noutput = kms\n  headless\n",
		     "line 3: indented line continues the value of 'output' in [a/b]",
		     "continuation line");
	expect_error(
	    "[a/b]\n; comment\n\nnonsense\n\n[backend]\noutput = kms\n[a/b]\noutput = kms\n",
	    "line 4: syntax error: expected [section], key = value or a comment",
	    "syntax error before a bad header's first key");
	expect_error("[a/b]\noutput = kms\n[a/b]\nnonsense\noutput = kms\n",
		     "line 3: duplicate section [a/b]", "bad header before a syntax error");
	expect_error("output = kms\n[backend]\n", "line 1: key 'output' before any [section]",
		     "key before a section");

	expect_error("[backend]\noutput = kms\njust words\n",
		     "line 3: syntax error: expected [section], key = value or a comment",
		     "line without '='");
	expect_error("[backend\noutput = kms\n",
		     "line 1: syntax error: expected [section], key = value or a comment",
		     "unterminated section");
	expect_error("[backend]\nnonsense\nouput = kms\n",
		     "line 2: syntax error: expected [section], key = value or a comment",
		     "earlier syntax error wins");
	expect_error("[backend]\nouput = kms\nnonsense\n",
		     "line 2: unknown key 'ouput' in [backend]", "earlier key error wins");

	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "[backend]\npng-dir = /", 21);
	long_line[sizeof(long_line) - 2] = '\n';
	long_line[sizeof(long_line) - 1] = '\0';
	expect_error(long_line, "line 2: line longer than 198 characters", "long line");

	snprintf(long_section, sizeof(long_section), "[backend]\noutput = kms\n\n[%050d/x]\n", 0);
	expect_error(long_section, "line 4: section name longer than 49 characters",
		     "long section name");

	for (int i = 0; i <= VDISPL_CONFIG_MAX_SECTIONS; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "[g%d/*]\npng-every=%d\n",
					i, i);
	expect_error(many, "line 129: too many sections (at most 64)", "65 sections");
	many[len - strlen("[g64/*]\npng-every=64\n")] = '\0';
	TAP_EQ_INT(parse(many), 0, "64 sections are fine");
	TAP_EQ_INT(config.num_sections, 64, "all 64 recorded");
}

static void test_import(void)
{
	static const struct {
		const char *name;
		enum vdispl_import_kind kind;
	} kinds[] = {
		{ "auto", VDISPL_IMPORT_AUTO },
		{ "module", VDISPL_IMPORT_MODULE },
		{ "gntdev-dmabuf", VDISPL_IMPORT_GNTDEV_DMABUF },
		{ "copy", VDISPL_IMPORT_COPY },
	};
	char text[128];

	vdispl_config_init(&config);
	TAP_EQ_INT(config.import, VDISPL_IMPORT_AUTO, "import defaults to auto");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(text, sizeof(text), "[backend]\nimport = %s\n", kinds[i].name);
		TAP_EQ_INT(parse(text), 0, "import = %s parses", kinds[i].name);
		TAP_EQ_INT(config.import, kinds[i].kind, "import = %s is kind %d", kinds[i].name,
			   (int)kinds[i].kind);
		TAP_CHECK(!strcmp(vdispl_import_kind_name(kinds[i].kind), kinds[i].name),
			  "kind %d is named %s", (int)kinds[i].kind, kinds[i].name);
	}
	expect_error("[backend]\nimport = zero\n",
		     "line 2: bad value 'zero' for 'import' in [backend]: expected auto, module, "
		     "gntdev-dmabuf or copy",
		     "an unknown import");
	expect_error("[guest/id0]\nimport = copy\n",
		     "line 2: 'import' belongs in [backend], not [guest/id0]",
		     "import in a guest section");
}

static void test_error_leaves_config(void)
{
	struct vdispl_config *before = malloc(sizeof(*before));

	TAP_EQ_INT(parse("[backend]\noutput = headless\n[a/b]\npng-every = 3\n"), 0,
		   "a first configuration");
	memcpy(before, &config, sizeof(config));
	TAP_EQ_INT(vdispl_config_parse_string(&config,
					      "[backend]\noutput = kms\n[c/d]\npng-every = 1\n"
					      "bogus = 1\n",
					      NULL, 0),
		   -EINVAL, "bad second text, no error buffer");
	TAP_CHECK(!memcmp(before, &config, sizeof(config)), "configuration unchanged by the error");
	free(before);
}

static void test_file(void)
{
	char path[] = "/tmp/vdispl-test-config-XXXXXX";
	static const char text[] = "[backend]\noutput = headless\n";
	int fd = mkstemp(path);

	TAP_CHECK(fd >= 0, "temporary file");
	if (fd < 0)
		return;
	TAP_CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1), "written");
	vdispl_config_init(&config);
	TAP_EQ_INT(vdispl_config_parse_file(&config, path, error, sizeof(error)), 0, "file parses");
	TAP_EQ_INT(config.defaults.kind, VDISPL_OUTPUT_HEADLESS, "file's value read");

	TAP_CHECK(write(fd, "\0x = 1\n", 7) == 7, "NUL appended");
	TAP_EQ_INT(vdispl_config_parse_file(&config, path, error, sizeof(error)), -EINVAL,
		   "file with a NUL: -EINVAL");
	TAP_CHECK(strstr(error, "contains NUL") != NULL, "says so: %s", error);
	close(fd);
	unlink(path);

	TAP_EQ_INT(vdispl_config_parse_file(&config, path, error, sizeof(error)), -ENOENT,
		   "missing file: -ENOENT");
	TAP_CHECK(!strncmp(error, path, strlen(path)), "message names the file: %s", error);
}

static void test_limits(void)
{
	struct vdispl_limits l;

	vdispl_config_init(&config);
	vdispl_config_lookup_limits(&config, 3, "guest", &l);
	TAP_CHECK(l.max_buffers == VDISPL_DEFAULT_MAX_BUFFERS &&
		      l.max_framebuffers == VDISPL_DEFAULT_MAX_FRAMEBUFFERS &&
		      l.max_pages == VDISPL_DEFAULT_MAX_PAGES && l.max_width == 4096 &&
		      l.max_height == 4096 && !l.be_alloc,
		  "default limits, be-alloc refused");
	/* The defaults hold a guest of 8 connectors of 4K, triple buffered. */
	TAP_CHECK(8u * 3u * ((3840u * 2160u * 4u + 4095u) / 4096u) <= VDISPL_DEFAULT_MAX_PAGES &&
		      8u * 3u <= VDISPL_DEFAULT_MAX_BUFFERS,
		  "default limits fit 8 connectors x 3 buffers of 3840x2160 XRGB");
	TAP_EQ_INT(config.max_total_buffers, VDISPL_DEFAULT_MAX_TOTAL_BUFFERS, "max-total-buffers");
	TAP_EQ_INT(config.max_total_pages, VDISPL_DEFAULT_MAX_TOTAL_PAGES, "max-total-pages");

	TAP_EQ_INT(parse("[backend]\nmax-buffers = 8\nmax-pages = 100\nmax-total-pages = 999\n"
			 "max-total-buffers = 20\n"
			 "[*/*]\nmax-framebuffers = 7\n"
			 "[guest/*]\nbe-alloc = yes\nmax-width = 1920\n"
			 "[5/*]\nmax-height = 1080\nbe-alloc = no\n"
			 "[guest/id0]\noutput = headless\n"),
		   0, "limits parse");
	TAP_CHECK(config.max_total_pages == 999 && config.max_total_buffers == 20,
		  "[backend] totals set");
	vdispl_config_lookup_limits(&config, 3, "guest", &l);
	TAP_CHECK(l.max_buffers == 8 && l.max_pages == 100 && l.max_framebuffers == 7 &&
		      l.be_alloc && l.max_width == 1920 && l.max_height == 4096,
		  "guest: [backend], [*/*] and [guest/*] keys together");
	vdispl_config_lookup_limits(&config, 5, "other", &l);
	TAP_CHECK(!l.be_alloc && l.max_width == 4096 && l.max_height == 1080 &&
		      l.max_framebuffers == 7,
		  "domain 5 by id: its own keys over [*/*]");
	vdispl_config_lookup_limits(&config, 5, "guest", &l);
	TAP_CHECK(l.max_width == 1920 && l.max_height == 1080,
		  "named and numbered sections both apply");

	expect_error("[guest/id0]\nmax-pages = 5\n",
		     "line 2: 'max-pages' is per device: it belongs in [backend] or a section for "
		     "unique-id *, not [guest/id0]",
		     "per-device key in a connector section");
	expect_error("[*/*]\nmax-total-pages = 5\n",
		     "line 2: 'max-total-pages' counts all guests together: it belongs in "
		     "[backend], not [*/*]",
		     "daemon-wide key in a guest section");
	expect_error("[backend]\nmax-width = 16385\n",
		     "line 2: bad value '16385' for 'max-width' in [backend]: expected a decimal "
		     "number from 1 to 16384",
		     "max-width above displif's own bound");
	expect_error("[backend]\nmax-buffers = 0\n",
		     "line 2: bad value '0' for 'max-buffers' in [backend]: expected a decimal "
		     "number from 1 to 4294967295",
		     "a cap of 0");
	expect_error("[backend]\nbe-alloc = maybe\n",
		     "line 2: bad value 'maybe' for 'be-alloc' in [backend]: expected true, false, "
		     "yes, no, 1 or 0",
		     "be-alloc not a boolean");
}

/* Every output's keys: each parses, per connector, and none is said twice. */
static void test_output_keys(void)
{
	static const char *const samples[] = {
		[VDISPL_OUTPUT_KEY_STRING] = "x",
		[VDISPL_OUTPUT_KEY_STRING_OR_EMPTY] = "",
		[VDISPL_OUTPUT_KEY_BOOL] = "yes",
		[VDISPL_OUTPUT_KEY_U32] = "7",
		[VDISPL_OUTPUT_KEY_POINT] = "10,20",
		[VDISPL_OUTPUT_KEY_SIZE] = "640x480",
	};
	char text[256];
	int keys = 0, unique = 0;

	for (size_t k = 0; k < vdispl_output_num_kinds; k++) {
		for (const struct vdispl_output_key *key = vdispl_output_kinds[k].keys;
		     key && key->name; key++) {
			bool again = false;

			snprintf(text, sizeof(text), "[backend]\noutput = %s\n[g/id0]\n%s = %s\n",
				 vdispl_output_kinds[k].name, key->name, samples[key->type]);
			TAP_CHECK(!parse(text), "%s's key %s parses in a connector's section",
				  vdispl_output_kinds[k].name, key->name);
			keys++;
			for (size_t j = 0; j <= k; j++)
				for (const struct vdispl_output_key *o = vdispl_output_kinds[j].keys;
				     o && o->name && o != key; o++)
					again |= !strcmp(o->name, key->name);
			unique += !again;
		}
	}
	TAP_CHECK(keys > 0 && unique == keys, "%d output keys, each named once", keys);
	TAP_CHECK(!strcmp(vdispl_output_kind_name(VDISPL_OUTPUT_WAYLAND), "wayland") &&
		      !strcmp(vdispl_output_kind_name((enum vdispl_output_kind)99), "unknown"),
		  "kinds are named from the one table");
}

/* Which guests an output kind may show: the import exports writable dma-bufs for Wayland. */
static void test_domain_may_use(void)
{
	vdispl_config_init(&config);
	TAP_CHECK(vdispl_config_domain_may_use(&config, 3, "guest", VDISPL_OUTPUT_KMS) &&
		      !vdispl_config_domain_may_use(&config, 3, "guest", VDISPL_OUTPUT_WAYLAND),
		  "by default every guest is on KMS only");
	TAP_EQ_INT(parse("[guest/id1]\noutput = wayland\n[7/*]\npng-every = 2\n"), 0,
		   "may-use parse");
	TAP_CHECK(vdispl_config_domain_may_use(&config, 3, "guest", VDISPL_OUTPUT_WAYLAND) &&
		      vdispl_config_domain_may_use(&config, 3, "guest", VDISPL_OUTPUT_KMS),
		  "a section naming the guest by name puts one of its connectors on wayland");
	TAP_CHECK(!vdispl_config_domain_may_use(&config, 4, "other", VDISPL_OUTPUT_WAYLAND) &&
		      !vdispl_config_domain_may_use(&config, 7, NULL, VDISPL_OUTPUT_WAYLAND),
		  "other guests, and a section that sets no output, stay off wayland");
	TAP_EQ_INT(parse("[*/*]\noutput = wayland\n"), 0, "may-use parse of */*");
	TAP_CHECK(vdispl_config_domain_may_use(&config, 9, NULL, VDISPL_OUTPUT_WAYLAND),
		  "[*/*] reaches every guest");
	TAP_EQ_INT(parse("[backend]\noutput = headless\n[4/*]\noutput = wayland\n"), 0,
		   "may-use parse by id");
	TAP_CHECK(vdispl_config_domain_may_use(&config, 4, "x", VDISPL_OUTPUT_WAYLAND) &&
		      vdispl_config_domain_may_use(&config, 5, "x", VDISPL_OUTPUT_HEADLESS) &&
		      !vdispl_config_domain_may_use(&config, 5, "x", VDISPL_OUTPUT_KMS),
		  "by domain id; [backend]'s output reaches every guest");
}

int main(void)
{
	test_output_keys();
	test_defaults();
	test_header_example();
	test_import();
	test_values();
	test_precedence();
	test_layout();
	test_errors();
	test_error_leaves_config();
	test_file();
	test_limits();
	test_domain_may_use();
	return tap_done();
}
