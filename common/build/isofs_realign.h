/* Realigning libisofs 1.5.4's stream where its layout reserved more Rock Ridge Continuation
 * Area than its writer wrote.
 *
 * libisofs lays a directory out (calc_dir_size -> rrip_calc_len -> susp_calc_nm_sl_al) with
 * room for its Continuation Area (RRIP/SUSP 1.12 5.1, "CA"), then writes the records and the
 * CA (rrip_get_susp_fields -> susp_append_ce).  On the block-hopping path (a name that spills
 * into the CA where its part would cross a 2048-byte block) the layout counts the padding to
 * the next block twice and a CE entry that is never written, so the CA it reserves can be a
 * block or more longer than the one written.  Everything written after such a directory then
 * lies that many blocks before the address its records give, and libisofs warns
 * "Calculated and written ECMA-119 tree end differ" and ends the stream short.  The records
 * and CAs it writes are consistent among themselves (each CE names where its part really
 * is): only the gaps are missing.  This module walks the ECMA-119 trees as libisofs's
 * stream passes (volume descriptors, then each directory's records and CA in the depth-first
 * order libisofs lays them out and writes them, then the path tables) and says where zero
 * blocks must go so that each directory and the path tables lie at their recorded blocks. */
#ifndef IMG_ISOFS_REALIGN_H
#define IMG_ISOFS_REALIGN_H

#include <stddef.h>
#include <stdint.h>

#include "common/base/error.h"

struct img_realign;

/* A walk of libisofs's stream of a session that starts at block session (its addresses are
 * absolute: iso_write_opts_set_ms_block); part_offset: libisofs's -partition_offset (0:
 * none), whose second tree (addresses relative to it, volume descriptors at part_offset +
 * 16 of the stream) is walked too.  Errors: IMG_ENOMEM. */
int img_realign_new(uint32_t session, uint32_t part_offset, struct img_realign **out);
void img_realign_free(struct img_realign *r);

/* Looks at the next n bytes p of libisofs's stream.  *use receives how many of them go out
 * before a gap, *gap the number of zero bytes (whole blocks) to put out after those; the
 * bytes after *use were not looked at and must be given again.  Errors: IMG_EISOFS (the
 * stream is not laid out as described above: a directory elsewhere than recorded, more
 * written than reserved, a record out of bounds), the detail naming the block; IMG_ENOMEM.
 * After an error the walk must only be freed. */
int img_realign_scan(struct img_realign *r, const uint8_t *p, size_t n, size_t *use,
		     uint64_t *gap, struct img_error *err);

/* Zero blocks asked for so far. */
uint64_t img_realign_inserted(const struct img_realign *r);

#endif
