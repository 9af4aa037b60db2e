/*
 * test_embed.c: the generated tables of files compiled into the binary.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "base/embed.h"

Test(embed, migrations_are_sorted_and_nul_terminated)
{
    int n = 0;
    for (const embed_file *f = embed_migrations; f->path; f++, n++) {
        cr_assert_eq(f->data[f->len], '\0', "%s", f->path);
        cr_assert_eq(strlen((const char *)f->data), f->len, "%s has a NUL inside", f->path);
        cr_assert_not_null(strstr(f->path, ".sql"), "%s", f->path);
        cr_assert_null(strchr(f->path, '/'), "prefix not stripped: %s", f->path);
        if (n)
            cr_assert_lt(strcmp(f[-1].path, f->path), 0, "not sorted: %s", f->path);
    }
    cr_assert_gt(n, 0);
    cr_assert_str_eq(embed_migrations[0].path, "0001_accounts.sql");
}

Test(embed, find)
{
    const embed_file *f = embed_find(embed_openapi, "openapi.json");
    cr_assert_not_null(f);
    cr_assert_eq(f, &embed_openapi[0]);
    cr_assert_gt(f->len, 0);
    cr_assert_null(embed_find(embed_openapi, "nope.json"));
    cr_assert_null(embed_find(embed_migrations, ""));
}
