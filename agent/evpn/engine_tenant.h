/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine's reads of the routed tenants' kernel state (tenant_routes.h): the sweep after initial
 * convergence and the audit. Both dump routes, neighbours (and for the audit the L3 VXLAN devices'
 * FDB) synchronously, as the tenants' tables are small, and take the replies for themselves while
 * they run; the hooks in engine.c hand each reply here first.
 */
#ifndef EVPND_EVPN_ENGINE_TENANT_H
#define EVPND_EVPN_ENGINE_TENANT_H

#include <stdbool.h>

#include "engine.h"

/* After initial convergence: remove the previous run's tenant routes and router-MAC pairs that
 * no route wants now (they stood meanwhile, so nothing was flushed across the restart). */
void engine_tenant_sweep(struct engine *e);
/* `evpnctl audit` of the routed tenants: their routes, router-MAC neighbours and FDB entries read
 * now and compared with what evpnd installed; each difference through cb. */
void engine_tenant_audit(struct engine *e, tr_drift_cb cb, void *ctx);
/* A dumped route, neighbour or FDB entry: true when the sweep or the audit is reading (it was
 * theirs), false when it is for the rest of the engine. */
bool engine_tenant_route_dumped(struct engine *e, const struct nl_route *r);
bool engine_tenant_neigh_dumped(struct engine *e, const struct nl_neigh *n);
bool engine_tenant_fdb_dumped(struct engine *e, const struct nl_fdb *f);

#endif
