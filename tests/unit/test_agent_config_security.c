/* SPDX-License-Identifier: Apache-2.0 */
/* agent/config/config_keys.c: the session-security keys of [neighbor] (password, ttl-security,
 * max-routes, max-routes-restart) and their "FILE:LINE: message" errors, from real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#include "conf_fixture.h"

static void load_err(const char *text, int line, const char *msg)
{
	struct config cfg;
	char err[512], want[512];
	write_conf(text);
	assert_int_equal(config_load(path, &cfg, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:%d: %s", path, line, msg);
	assert_string_equal(err, want);
}

#define HEAD "[global]\nasn = 64512\nrouter-id = 10.0.0.1\n\n[neighbor 10.0.0.2]\nremote-as = 64512\n"

static void test_values(void **state)
{
	struct config cfg;
	char err[512];

	(void)state;
	write_conf(HEAD "password = s3cret!x\nttl-security = yes\nmax-routes = 1000\n"
			"max-routes-restart = 60\n\n[neighbor 10.0.0.3]\nremote-as = 64512\n");
	if (config_load(path, &cfg, err, sizeof err))
		fail_msg("unexpected error: %s", err);
	assert_int_equal(cfg.nnbr, 2);
	assert_string_equal(cfg.nbr[0].n.password, "s3cret!x");
	assert_true(cfg.nbr[0].n.ttl_security);
	assert_int_equal(cfg.nbr[0].n.max_routes, 1000);
	assert_int_equal(cfg.nbr[0].n.max_routes_restart, 60);
	/* defaults: no key, no GTSM, no limit, down until restart */
	assert_string_equal(cfg.nbr[1].n.password, "");
	assert_false(cfg.nbr[1].n.ttl_security);
	assert_int_equal(cfg.nbr[1].n.max_routes, 0);
	assert_int_equal(cfg.nbr[1].n.max_routes_restart, 0);
	config_free(&cfg);

	/* the longest key the kernel takes */
	char text[512], key[BGP_PASSWORD_MAX + 1];
	memset(key, 'k', BGP_PASSWORD_MAX);
	key[BGP_PASSWORD_MAX] = '\0';
	snprintf(text, sizeof text, HEAD "password = %s\n", key);
	write_conf(text);
	if (config_load(path, &cfg, err, sizeof err))
		fail_msg("unexpected error: %s", err);
	assert_string_equal(cfg.nbr[0].n.password, key);
	config_free(&cfg);
}

static void test_errors(void **state)
{
	char text[512], key[BGP_PASSWORD_MAX + 2];

	(void)state;
	memset(key, 'k', BGP_PASSWORD_MAX + 1);
	key[BGP_PASSWORD_MAX + 1] = '\0';
	snprintf(text, sizeof text, HEAD "password = %s\n", key);
	/* the value is never echoed: a key must not reach a log */
	load_err(text, 7, "[neighbor 10.0.0.2] password: \"(hidden)\" is not a password (1-80 characters)");
	load_err(HEAD "password = two words\n", 7,
		 "[neighbor 10.0.0.2] password: \"(hidden)\" is not a password (printable characters, no spaces)");
	load_err(HEAD "password =\n", 7,
		 "[neighbor 10.0.0.2] password: \"(hidden)\" is not a password (1-80 characters)");
	load_err(HEAD "ttl-security = 255\n", 7,
		 "[neighbor 10.0.0.2] ttl-security: \"255\" is not a boolean (yes/no, true/false, on/off, 1/0)");
	load_err(HEAD "max-routes = -1\n", 7,
		 "[neighbor 10.0.0.2] max-routes: \"-1\" is not a number in 0-4294967295");
	load_err(HEAD "max-routes = 10k\n", 7,
		 "[neighbor 10.0.0.2] max-routes: \"10k\" is not a number in 0-4294967295");
	load_err(HEAD "max-routes-restart = 86401\n", 7,
		 "[neighbor 10.0.0.2] max-routes-restart: \"86401\" is not a number in 0-86400");
	load_err(HEAD "password = a\npassword = b\n", 8,
		 "[neighbor 10.0.0.2] password: duplicate key (first set on line 7)");
}

/* Hostile files: an endless line, a FIFO, a directory, a device; and an IPv4-mapped neighbor that
 * is another's duplicate. Each is refused with a clear error and without reading on. */
static void test_hostile_files(void **state)
{
	struct config cfg;
	char err[512], other[400];
	(void)state;

	/* evpnd treats ::ffff:a.b.c.d as a.b.c.d: both sections would be one neighbor */
	load_err(HEAD "[neighbor ::ffff:10.0.0.2]\nremote-as = 64512\n", 7,
		 "[neighbor ::ffff:10.0.0.2] duplicate section: the same neighbor as [neighbor 10.0.0.2] (line 5)");
	load_err("[global]\nasn = 64512\nrouter-id = 10.0.0.1\n[neighbor ::ffff:10.0.0.9]\n"
		 "remote-as = 1\n[neighbor 10.0.0.9]\n", 6,
		 "[neighbor 10.0.0.9] duplicate section (first on line 4)");
	write_conf("[global]\nasn = 64512\nrouter-id = 10.0.0.1\n[neighbor ::ffff:10.0.0.9]\nremote-as = 1\n");
	if (config_load(path, &cfg, err, sizeof err))
		fail_msg("unexpected error: %s", err);
	assert_int_equal(cfg.nbr[0].n.addr.af, AF_INET);
	config_free(&cfg);

	/* one line of 16 MB: refused at its line, after reading no more than a line's worth */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[global]\nasn = 64512\nrouter-id = 10.0.0.1\n# ", f);
	static char chunk[65536];
	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 256; i++)
		assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
	fputs("\n[neighbor 10.0.0.2]\nremote-as = 64512\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(config_load(path, &cfg, err, sizeof err), -1);
	snprintf(other, sizeof other, "%s:4: line longer than 198 characters", path);
	assert_string_equal(err, other);

	/* not regular files: refused before a byte is read (a FIFO would hold the start forever) */
	assert_int_equal(config_load("/dev/zero", &cfg, err, sizeof err), -1);
	assert_string_equal(err, "/dev/zero: not a regular file (a device)");
	assert_int_equal(config_load(dir, &cfg, err, sizeof err), -1);
	snprintf(other, sizeof other, "%s: not a regular file (a directory)", dir);
	assert_string_equal(err, other);
	char fifo[200];
	snprintf(fifo, sizeof fifo, "%s/fifo.conf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(config_load(fifo, &cfg, err, sizeof err), -1);
	snprintf(other, sizeof other, "%s: not a regular file (a FIFO)", fifo);
	assert_string_equal(err, other);
	unlink(fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
