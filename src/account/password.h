/*
 * password.h: password hashing with argon2id (libsodium), at OWASP's
 * recommended minimum cost: 19 MiB of memory, 2 passes, 1 lane.
 */
#ifndef COCLOUD_PASSWORD_H
#define COCLOUD_PASSWORD_H

#include <stdbool.h>
#include <sodium.h>

#define PASSWORD_HASH_LEN crypto_pwhash_STRBYTES
#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128

/* 0 on success; ERR_NOMEM when the memory for the hash is not there. */
int password_hash(const char *pw, char out[PASSWORD_HASH_LEN]);

/* True when pw matches hash. When hash is NULL a fixed dummy hash is checked
 * instead, so that an unknown account costs as much time as a known one. */
bool password_verify(const char *pw, const char *hash);

#endif
