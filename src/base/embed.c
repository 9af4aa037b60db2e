/*
 * embed.c: lookup in the generated tables.
 */
#include "base/embed.h"

#include <string.h>

const embed_file *embed_find(const embed_file *table, const char *path)
{
    for (const embed_file *f = table; f->path; f++)
        if (strcmp(f->path, path) == 0)
            return f;
    return NULL;
}
