/*
 * rand.c: ids, tokens and request ids over libsodium.
 */
#include "base/rand.h"

#include <sodium.h>
#include <string.h>

int rand_init(void) { return sodium_init() < 0 ? -1 : 0; }

void rand_id(const char *prefix, char out[RAND_ID_LEN])
{
    static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz"; /* Crockford, lower */
    unsigned char r[17];
    randombytes_buf(r, sizeof r);
    size_t n = strnlen(prefix, 11);
    memcpy(out, prefix, n);
    out[n++] = '_';
    /* 26 chars x 5 bits = 130 bits: take 5 bits at a time from 136 bits. */
    unsigned bits = 0, acc = 0;
    size_t byte = 0;
    for (int i = 0; i < 26; i++) {
        if (bits < 5) {
            acc = (acc << 8) | r[byte++];
            bits += 8;
        }
        out[n++] = b32[(acc >> (bits - 5)) & 31];
        bits -= 5;
    }
    out[n] = '\0';
}

void rand_token(char out[RAND_TOKEN_LEN])
{
    unsigned char r[32];
    randombytes_buf(r, sizeof r);
    memcpy(out, "cct_", 4);
    sodium_bin2base64(out + 4, RAND_TOKEN_LEN - 4, r, sizeof r,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void rand_request_id(char out[RAND_RID_LEN])
{
    unsigned char r[8];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(out, RAND_RID_LEN, r, sizeof r);
}

void rand_sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}
