/* Lowercase hexadecimal: the one spelling of raw bytes (keys, signatures,
 * hashes, nonces) on the wire, in the journal and in vouchctl's files.
 * Pure functions on caller-owned buffers. */
#ifndef VD_HEX_H
#define VD_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Write the n bytes at in as 2n lowercase hex digits and a NUL into out,
 * which holds 2n + 1 bytes. Never fails. */
void hex_encode(const uint8_t *in, size_t n, char *out);

/* Decode exactly 2n lowercase hex digits (len == 2n; s need not be
 * NUL-terminated) into the n bytes at out. Uppercase is refused: one
 * spelling per value. 0 on success; VD_EINVAL if s or out is NULL, len is
 * not 2n, or a byte is not one of 0-9a-f, and then out is untouched. */
int hex_decode(const char *s, size_t len, uint8_t *out, size_t n);

#endif
