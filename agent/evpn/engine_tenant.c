/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's reads of the routed tenants' kernel state (engine_tenant.h). */
#include "engine_tenant.h"

#include <errno.h>
#include <string.h>

#include "log.h"

bool engine_tenant_route_dumped(struct engine *e, const struct nl_route *r)
{
	if (e->tr_sweep)
		e->tr_swept += (size_t)tr_sweep_route(&e->tr, r);
	else if (e->tr_audit_cb)
		tr_audit_route(&e->tr, r, e->tr_audit_cb, e->tr_audit_ctx);
	else
		return false;
	return true;
}

bool engine_tenant_neigh_dumped(struct engine *e, const struct nl_neigh *n)
{
	if (e->tr_sweep)
		e->tr_swept += (size_t)tr_sweep_neigh(&e->tr, n);
	else if (e->tr_audit_cb)
		tr_audit_neigh(&e->tr, n, e->tr_audit_cb, e->tr_audit_ctx);
	else
		return false;
	return true;
}

bool engine_tenant_fdb_dumped(struct engine *e, const struct nl_fdb *f)
{
	if (!e->tr_audit_cb)
		return false;
	tr_audit_fdb(&e->tr, f, e->tr_audit_cb, e->tr_audit_ctx);
	return true;
}

void engine_tenant_audit(struct engine *e, tr_drift_cb cb, void *ctx)
{
	int rc;

	if (!e->cfg->nvrf || !e->nl)
		return;
	tr_audit_begin(&e->tr);
	e->tr_audit_cb = cb;
	e->tr_audit_ctx = ctx;
	rc = nl_dump_routes(e->nl);
	if (rc == 0)
		rc = nl_dump_neigh(e->nl);
	for (unsigned i = 0; rc == 0 && i < e->cfg->nvrf; i++)
		if (e->tr.vrf[i].k.up)
			rc = nl_dump_fdb_dev(e->nl, e->tr.vrf[i].k.vxlan);
	e->tr_audit_cb = NULL;
	if (rc < 0) {
		log_msg(LOG_WARNING, "audit: the tenants' kernel state could not be read: %s", strerror(errno));
		return; /* an incomplete read would report what it missed as missing */
	}
	tr_audit_end(&e->tr, cb, ctx);
}

void engine_tenant_sweep(struct engine *e)
{
	if (!e->cfg->nvrf || !e->nl)
		return;
	e->tr_sweep = true;
	e->tr_swept = 0;
	if (nl_dump_routes(e->nl) < 0 || nl_dump_neigh(e->nl) < 0)
		log_msg(LOG_WARNING, "netlink: the tenants' sweep could not dump: %s", strerror(errno));
	e->tr_sweep = false;
	log_msg(LOG_INFO, "initial convergence: %zu stale tenant route%s and router-MAC entr%s removed",
		e->tr_swept, e->tr_swept == 1 ? "" : "s", e->tr_swept == 1 ? "y" : "ies");
}
