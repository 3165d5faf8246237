#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write packaging/grafana/evpnd.json, the Grafana dashboard for evpnd's Prometheus metrics
(evpnctl metrics, or the HTTP listener of [global] metrics-listen). Run it after changing a panel;
tests/integration/test_metrics.sh checks that every metric the dashboard queries exists."""
import json
import os

J = 'instance=~"$instance"'
DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []


def panel(title, exprs, unit="short", kind="timeseries", w=12, h=8, desc=""):
    panels.append({
        "id": len(panels) + 1, "type": kind, "title": title, "description": desc,
        "datasource": DS, "gridPos": {"x": 0, "y": 0, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}, "options": {},
        "targets": [{"refId": chr(65 + k), "expr": e, "legendFormat": l, "datasource": DS}
                    for k, (e, l) in enumerate(exprs)],
    })


def rate(m, labels=J):
    return f"rate({m}{{{labels}}}[$__rate_interval])"


def inc(m, labels=J):
    return f"increase({m}{{{labels}}}[$__rate_interval])"


def q(p, m):
    return (f"histogram_quantile({p}, sum by (instance, le) "
            f"(rate({m}_bucket{{{J}}}[$__rate_interval])))")


panel("BGP sessions established", [
    (f"evpnd_bgp_sessions_established{{{J}}}", "{{instance}}"),
    (f"sum by (instance) (evpnd_bgp_neighbors{{{J}}})", "{{instance}} configured")],
    kind="stat", w=6, desc="Neighbors in state Established against those configured")
panel("Neighbor up", [(f"evpnd_bgp_neighbor_established{{{J}}}", "{{instance}} {{peer}}")], w=6,
      desc="1 while a neighbor's session is Established")
panel("Session flaps", [(inc("evpnd_bgp_neighbor_flaps_total"), "{{instance}} {{peer}}")],
      desc="Times a session left Established")
panel("Routes by VNI", [(f"evpnd_routes{{{J}}}", "{{instance}} {{family}} {{vni}}")],
      desc="Paths in the RIB by family and VNI")
panel("MACs per VNI", [
    (f"evpnd_vni_local_macs{{{J}}}", "{{instance}} local {{vni}}"),
    (f"evpnd_vni_remote_macs{{{J}}}", "{{instance}} remote {{vni}}")],
    desc="Local MACs advertised and remote MACs installed, by VNI")
panel("Paths per neighbor", [
    (f"evpnd_bgp_paths_received{{{J}}}", "{{instance}} {{peer}} {{family}} received"),
    (f"evpnd_bgp_paths_accepted{{{J}}}", "{{instance}} {{peer}} {{family}} best"),
    (f"evpnd_bgp_paths_advertised{{{J}}}", "{{instance}} {{peer}} {{family}} advertised")])
panel("BGP messages", [
    (rate("evpnd_bgp_messages_received_total"), "{{instance}} {{peer}} in {{type}}"),
    (rate("evpnd_bgp_messages_sent_total"), "{{instance}} {{peer}} out {{type}}")], unit="ops")
panel("Kernel FDB entries", [
    (f"evpnd_fdb_entries{{{J}}}", "{{instance}} {{kind}}"),
    (f"evpnd_local_macs{{{J}}}", "{{instance}} local MACs")],
    desc="Entries evpnd installed (remote MACs, flood) and MACs learned on local ports")
panel("FDB install latency", [
    (q(0.5, "evpnd_fdb_install_latency_seconds"), "{{instance}} p50"),
    (q(0.99, "evpnd_fdb_install_latency_seconds"), "{{instance}} p99"),
    (rate("evpnd_fdb_install_latency_skipped_total"), "{{instance}} samples skipped/s")], unit="s",
    desc="From a remote MAC route becoming best to the kernel's ack of its FDB request")
panel("Kernel refusals, overflows, resyncs", [
    (inc("evpnd_netlink_refused_total"), "{{instance}} refused"),
    (inc("evpnd_netlink_overflows_total"), "{{instance}} overflows (ENOBUFS)"),
    (inc("evpnd_netlink_resyncs_total"), "{{instance}} resyncs"),
    (f"evpnd_netlink_pending{{{J}}}", "{{instance}} pending requests"),
    (rate("evpnd_netlink_requests_total"), "{{instance}} requests/s")],
    desc="A refusal or an overflow is logged by evpnd, and a resync repairs the FDB")
LE50 = J + ', le="0.05"'
panel("Event loop stalls", [
    (f"evpnd_loop_max_seconds{{{J}}}", "{{instance}} longest since start"),
    (f"sum by (instance) ({inc('evpnd_loop_iteration_seconds_count')}) - sum by (instance) "
     f"({inc('evpnd_loop_iteration_seconds_bucket', LE50)})",
     "{{instance}} iterations over 50 ms"),
    (q(0.99, "evpnd_loop_iteration_seconds"), "{{instance}} p99 iteration")], unit="s",
    desc="Busy time of one event-loop iteration: keepalives, events and control requests wait "
         "this long")
panel("MAC mobility and duplicates", [
    (inc("evpnd_mac_moves_total"), "{{instance}} moves"),
    (inc("evpnd_mac_duplicates_total"), "{{instance}} duplicates")])
panel("Kernel dumps", [
    (f"evpnd_kernel_dump_running{{{J}}}", "{{instance}} running"),
    (f"evpnd_kernel_dump_last_seconds{{{J}}}", "{{instance}} last took (s)"),
    (f"evpnd_kernel_adopted{{{J}}}", "{{instance}} start-up adoption done")])
panel("Version", [(f"evpnd_build_info{{{J}}}", "{{instance}} {{version}}")], kind="table", h=6)

x = y = 0
for p in panels:  # left to right, rows of 24 columns
    w = p["gridPos"]["w"]
    if x + w > 24:
        x, y = 0, y + 8
    p["gridPos"].update(x=x, y=y)
    x += w

dashboard = {
    "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource",
                  "pluginId": "prometheus"}],
    "title": "evpnd", "uid": "evpnd", "tags": ["evpn", "vxlan", "bgp"],
    "description": "evpnd: sessions, routes and MACs per VNI, kernel installs, refusals and "
                   "event-loop stalls",
    "schemaVersion": 38, "version": 1, "editable": True, "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"},
        {"name": "instance", "type": "query", "label": "Host", "datasource": DS,
         "query": "label_values(evpnd_build_info, instance)", "refresh": 2,
         "includeAll": True, "multi": True, "current": {"text": "All", "value": "$__all"}}]},
    "panels": panels,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "evpnd.json")
with open(out, "w") as f:
    f.write(json.dumps(dashboard, indent=1) + "\n")
