#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test_kernel_mesh.sh over an IPv6 underlay (fd99::N/64, VXLAN devices with IPv6 `local`).
MESH_IPV6=1
# shellcheck source=test_kernel_mesh.sh
source "$(dirname "$0")/test_kernel_mesh.sh"
