/* SPDX-License-Identifier: Apache-2.0 */
/* agent/reload.c: what a reload accepts, refuses and applies to the speaker's neighbors, on a real
 * speaker (not started: no sockets) and real files; and the user / control-group keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp.h"
#include "config.h"
#include "daemon.h"
#include <sys/stat.h>

#include "reload.h"

#include "conf_fixture.h"

#define GLOBAL "[global]\nasn = 64512\nrouter-id = 10.0.0.1\nlisten = none\n"
#define NBR(a) "[neighbor " a "]\nremote-as = 64512\n"

struct nbr_list {
	char s[256];
	uint32_t flaps;
};

static void list_cb(void *ctx, const struct bgp_neighbor_info *n)
{
	struct nbr_list *l = ctx;
	char a[IPADDR_STRLEN];
	size_t len = strlen(l->s);
	snprintf(l->s + len, sizeof l->s - len, "%s%s", len ? " " : "", ipaddr_str(&n->addr, a));
}

static const char *neighbors(struct daemon *d, struct nbr_list *l)
{
	l->s[0] = '\0';
	bgp_neighbors(d->bgp, list_cb, l);
	return l->s;
}

static void start(struct daemon *d, const char *text)
{
	char err[256];

	memset(d, 0, sizeof *d);
	write_conf(text);
	assert_int_equal(config_load(path, &d->cfg, err, sizeof err), 0);
	d->loop = ev_loop_new(EVFLAG_AUTO);
	d->bgp = bgp_new(d->loop, &d->cfg.g, NULL);
	assert_non_null(d->bgp);
	for (unsigned i = 0; i < d->cfg.nnbr; i++)
		assert_int_equal(bgp_neighbor_add(d->bgp, &d->cfg.nbr[i].n), 0);
}

static void stop(struct daemon *d)
{
	reload_free(d);
	bgp_free(d->bgp);
	config_free(&d->cfg);
	ev_loop_destroy(d->loop);
}

static void test_neighbors_added_removed_changed(void **state)
{
	struct daemon d;
	struct nbr_list l;
	char msg[1024];
	(void)state;

	start(&d, GLOBAL NBR("10.0.0.2") NBR("10.0.0.3"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2 10.0.0.3");
	write_conf(GLOBAL NBR("10.0.0.3") "max-routes = 10\n" NBR("10.0.0.4"));
	assert_int_equal(reload_config(&d, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "1 neighbor added, 1 removed, 0 reset, 1 changed in place"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.3 10.0.0.4");
	assert_int_equal(d.cfg.nbr[0].n.max_routes, 10);
	/* a key the OPEN depends on: that session is reset */
	write_conf(GLOBAL NBR("10.0.0.3") "max-routes = 10\n" NBR("10.0.0.4") "families = evpn\n");
	assert_int_equal(reload_config(&d, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "0 neighbors added, 0 removed, 1 reset, 0 changed in place"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.3 10.0.0.4");
	/* the same file again: nothing */
	assert_int_equal(reload_config(&d, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "0 neighbors added, 0 removed, 0 reset, 0 changed in place"));
	stop(&d);
}

static void test_bad_file_keeps_running_config(void **state)
{
	struct daemon d;
	struct nbr_list l;
	char msg[1024], want[256];
	(void)state;

	start(&d, GLOBAL NBR("10.0.0.2"));
	write_conf(GLOBAL NBR("10.0.0.3") "bogus = 1\n");
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	snprintf(want, sizeof want, "%s:7:", path);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "bogus"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2");
	/* a syntax error too */
	write_conf(GLOBAL "this is not ini\n");
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	snprintf(want, sizeof want, "%s:5:", path);
	assert_non_null(strstr(msg, want));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2");
	stop(&d);
}

/* A reload of a file gone hostile (an endless line, a FIFO in its place, a duplicate written as
 * an IPv4-mapped address) is refused and the running neighbors stay. */
static void test_hostile_file_reload(void **state)
{
	struct daemon d;
	struct nbr_list l;
	char msg[1024], want[256];
	(void)state;

	start(&d, GLOBAL NBR("10.0.0.2"));
	write_conf(GLOBAL NBR("10.0.0.2") NBR("::ffff:10.0.0.2"));
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "duplicate section: the same neighbor as [neighbor 10.0.0.2]"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2");

	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(GLOBAL "# ", f);
	for (int i = 0; i < 1 << 20; i++)
		fputc('y', f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	snprintf(want, sizeof want, "%s:5: line longer than 198 characters", path);
	assert_non_null(strstr(msg, want));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2");

	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "not a regular file (a FIFO)"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2");
	unlink(path);
	stop(&d);
}

static void test_restart_only_keys_refused(void **state)
{
	struct daemon d;
	struct nbr_list l;
	char msg[1024];
	(void)state;

	start(&d, GLOBAL NBR("10.0.0.2"));
	write_conf("[global]\nasn = 64513\nrouter-id = 10.0.0.9\nlisten = none\n" NBR("10.0.0.3"));
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "[global] asn changed: needs a restart"));
	assert_non_null(strstr(msg, "[global] router-id changed: needs a restart"));
	assert_string_equal(neighbors(&d, &l), "10.0.0.2"); /* nothing of the file applied */
	assert_int_equal(d.cfg.g.asn, 64512);
	write_conf(GLOBAL "arp-suppress = yes\n" NBR("10.0.0.2"));
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "arp-suppress changed: needs a restart"));
	write_conf(GLOBAL NBR("10.0.0.2") "[vni 10]\narp-suppress = yes\n");
	assert_int_equal(reload_config(&d, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "[vni 10] arp-suppress or arp-snoop changed"));
	/* live keys are accepted and taken */
	write_conf(GLOBAL "dad-max-moves = 9\n" NBR("10.0.0.2") "[vni 10]\nrd = 10.0.0.1:77\n");
	assert_int_equal(reload_config(&d, msg, sizeof msg), 0);
	assert_int_equal(d.cfg.dad_max_moves, 9);
	assert_non_null(config_vni(&d.cfg, 10));
	stop(&d);
}

static void test_user_and_control_group_keys(void **state)
{
	struct config c;
	char err[256];
	(void)state;

	write_conf(GLOBAL "user = root\ncontrol-group = root\n");
	assert_int_equal(config_load(path, &c, err, sizeof err), 0);
	assert_true(c.has_user);
	assert_int_equal(c.uid, 0);
	assert_true(c.has_control_group);
	assert_int_equal(c.control_gid, 0);
	config_free(&c);
	write_conf(GLOBAL "user = no-such-user-evpnd\n");
	assert_int_equal(config_load(path, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":5: [global] user: \"no-such-user-evpnd\" is not a user on this host"));
	write_conf(GLOBAL "control-group = -x\n");
	assert_int_equal(config_load(path, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "is not a group name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_neighbors_added_removed_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_keeps_running_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_file_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_only_keys_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_and_control_group_keys, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
