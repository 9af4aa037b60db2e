/*
 * password.c: argon2id hashing and verification.
 */
#include "account/password.h"

#include <string.h>

#include "base/err.h"

#define PASSWORD_OPS 2u
#define PASSWORD_MEM (19u << 20)

/* The hash of a password nobody knows, verified when the account is
 * missing so the answer takes the same time either way. */
static const char password_dummy[] =
    "$argon2id$v=19$m=19456,t=2,p=1$7WYjSnnt7N2egkhV6/VtSg$"
    "8qLSrqHU7vLavJOnuV6lF90qzfd4lvq+gBqyY4xi5WE";

int password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), PASSWORD_OPS, PASSWORD_MEM,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ERR_NOMEM;
    return 0;
}

bool password_verify(const char *pw, const char *hash)
{
    bool known = hash != NULL;
    int rc = crypto_pwhash_str_verify(known ? hash : password_dummy, pw, strlen(pw));
    return known && rc == 0;
}
