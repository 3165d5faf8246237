/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory for the RIB's routes and paths: objects carved from 64 KiB blocks in classes of 8 bytes,
 * without malloc's per-chunk header and 16-byte rounding (a 56-byte path took a 64-byte chunk, a
 * 68-byte route an 80-byte one: docs/memory.md). Freed objects wait on their class's list for the
 * next object of that size; blocks go back when the RIB is freed. Objects over RIB_MEM_MAX come
 * from malloc. Under AddressSanitizer free objects are poisoned, so a use after free still shows.
 */
#ifndef EVPND_BGP_RIB_MEM_H
#define EVPND_BGP_RIB_MEM_H

#include <stddef.h>
#include <stdint.h>

#define RIB_MEM_MAX 256
#define RIB_MEM_CLASSES (RIB_MEM_MAX / 8 + 1)

struct rib_mem {
	void *free[RIB_MEM_CLASSES];  /* by size / 8: freed objects, linked through their first word */
	void *blocks;                 /* blocks, linked through their first word */
	uint8_t *bump, *end;          /* the newest block's part not handed out yet */
	size_t nblocks;
};

/* The size an object of n bytes takes: n rounded up to 8, or n itself above RIB_MEM_MAX. */
size_t rib_mem_size(size_t n);
/* An object of at least n bytes (rib_mem_size(n) usable), 8-byte aligned; NULL when out of memory. */
void *rib_mem_get(struct rib_mem *m, size_t n);
/* Give back x, which rib_mem_get(m, n) returned (the same n, or any n of the same rib_mem_size). */
void rib_mem_put(struct rib_mem *m, void *x, size_t n);
/* Free every block (objects over RIB_MEM_MAX are the caller's to put back first). */
void rib_mem_release(struct rib_mem *m);

#endif
