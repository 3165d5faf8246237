/* SPDX-License-Identifier: Apache-2.0 */
/* Pools of small objects for the RIB (rib_mem.h). */
#include "rib_mem.h"

#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Large enough that a million routes take some thousand blocks, small enough that a RIB of a few
 * routes costs little; the block's first 16 bytes link it (and keep objects 16-aligned). */
#define BLOCK (64 * 1024)
#define BLOCK_HDR 16

size_t rib_mem_size(size_t n)
{
	if (n > RIB_MEM_MAX)
		return n;
	return n < 8 ? 8 : (n + 7) & ~(size_t)7;
}

void *rib_mem_get(struct rib_mem *m, size_t n)
{
	size_t sz = rib_mem_size(n);
	if (sz > RIB_MEM_MAX)
		return malloc(sz);
	void **head = &m->free[sz / 8];
	if (*head) {
		void *x = *head;
		UNPOISON(x, sz);
		*head = *(void **)x;
		return x;
	}
	if ((size_t)(m->end - m->bump) < sz) {
		/* the rest of the block (less than one object) is left unused */
		uint8_t *b = malloc(BLOCK);
		if (!b)
			return NULL;
		*(void **)b = m->blocks;
		m->blocks = b;
		m->nblocks++;
		m->bump = b + BLOCK_HDR;
		m->end = b + BLOCK;
		POISON(m->bump, (size_t)(m->end - m->bump));
	}
	void *x = m->bump;
	m->bump += sz;
	UNPOISON(x, sz);
	return x;
}

void rib_mem_put(struct rib_mem *m, void *x, size_t n)
{
	size_t sz = rib_mem_size(n);
	if (!x)
		return;
	if (sz > RIB_MEM_MAX) {
		free(x);
		return;
	}
	*(void **)x = m->free[sz / 8];
	m->free[sz / 8] = x;
	POISON(x, sz); /* rib_mem_get unpoisons it before it reads the link */
}

void rib_mem_release(struct rib_mem *m)
{
	void *b = m->blocks;
	while (b) {
		void *next = *(void **)b;
		UNPOISON(b, BLOCK);
		free(b);
		b = next;
	}
	for (size_t i = 0; i < RIB_MEM_CLASSES; i++)
		m->free[i] = NULL;
	m->blocks = NULL;
	m->bump = m->end = NULL;
	m->nblocks = 0;
}
