/*
 * rand.c: ids, tokens and request ids over libsodium.
 */
#include "base/rand.h"

#include <sodium.h>
#include <string.h>

int rand_init(void) { return sodium_init() < 0 ? -1 : 0; }

/* Crockford's base32 in lower case; its characters ascend in ASCII, so
 * encoded numbers sort as their values do. */
static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz";

/* Writes prefix and '_', returning where the 26 characters go. */
static char *id_start(const char *prefix, char *out)
{
    size_t n = strnlen(prefix, 11);
    memcpy(out, prefix, n);
    out[n] = '_';
    return out + n + 1;
}

/* Writes nchars characters, 5 bits each, taken from the front of r. */
static char *b32_put(char *out, const unsigned char *r, int nchars)
{
    unsigned bits = 0, acc = 0;
    for (int i = 0; i < nchars; i++) {
        if (bits < 5) {
            acc = (acc << 8) | *r++;
            bits += 8;
        }
        *out++ = b32[(acc >> (bits - 5)) & 31];
        bits -= 5;
    }
    return out;
}

void rand_id(const char *prefix, char out[RAND_ID_LEN])
{
    unsigned char r[17]; /* 26 chars x 5 bits = 130 bits, from 136 */
    randombytes_buf(r, sizeof r);
    *b32_put(id_start(prefix, out), r, 26) = '\0';
}

void rand_id_at(const char *prefix, long long ms, char out[RAND_ID_LEN])
{
    char *p = id_start(prefix, out);
    unsigned long long t = ms < 0 ? 0 : (unsigned long long)ms;
    for (int i = 9; i >= 0; i--, t >>= 5)
        p[i] = b32[t & 31];
    unsigned char r[10]; /* 16 chars x 5 bits = 80 bits */
    randombytes_buf(r, sizeof r);
    *b32_put(p + 10, r, 16) = '\0';
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
