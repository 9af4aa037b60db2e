/*
 * rand.h: random identifiers and tokens from libsodium's CSPRNG.
 *
 * IDs are a short prefix, an underscore and 26 characters of lowercase
 * base32 (128 random bits): never sequential, never reused in practice.
 * Rows written many times a second (quotes) take time-ordered ids instead:
 * the creation millisecond, then 80 random bits, like a UUIDv7. They still
 * cannot be guessed, and new rows land at the end of the id index rather
 * than on a random page of it.
 */
#ifndef COCLOUD_RAND_H
#define COCLOUD_RAND_H

#include <stddef.h>

#define RAND_ID_LEN 40 /* room for "prefix_" (up to 12) + 26 + NUL */
#define RAND_TOKEN_LEN 48 /* "cct_" + 43 base64url chars (256 bits) + NUL */
#define RAND_RID_LEN 17 /* 16 hex chars + NUL */

/* Must be called once before any other rand_ function; 0 on success. */
int rand_init(void);

/* "org_" + 26 base32 chars. prefix must be at most 11 characters. */
void rand_id(const char *prefix, char out[RAND_ID_LEN]);

/* Like rand_id, but the first 10 of the 26 characters are ms (Unix time in
 * milliseconds, 0 to 2^50 - 1) so that ids sort by creation time, and the
 * other 16 are 80 random bits. */
void rand_id_at(const char *prefix, long long ms, char out[RAND_ID_LEN]);

/* A bearer token with 256 random bits. */
void rand_token(char out[RAND_TOKEN_LEN]);

/* A 64-bit request id as 16 hex chars. */
void rand_request_id(char out[RAND_RID_LEN]);

/* Hex SHA-256 of s (65 bytes with NUL), for storing tokens. */
void rand_sha256_hex(const char *s, char out[65]);

#endif
