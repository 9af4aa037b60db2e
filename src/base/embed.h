/*
 * embed.h: files compiled into the binary (migrations, the OpenAPI document,
 * the web UI). tools/embed.c writes the tables at build time; each table ends
 * with an entry whose path is NULL. Data is NUL-terminated for convenience;
 * len excludes that NUL.
 */
#ifndef COCLOUD_EMBED_H
#define COCLOUD_EMBED_H

#include <stddef.h>

typedef struct embed_file {
    const char *path;
    const unsigned char *data;
    size_t len;
} embed_file;

extern const embed_file embed_migrations[]; /* src/db/migrations/NNNN_name.sql, sorted */
extern const embed_file embed_openapi[];    /* src/api/openapi.json */
extern const embed_file embed_web[];        /* web/... */

/* The entry with that path in table, or NULL. */
const embed_file *embed_find(const embed_file *table, const char *path);

#endif
