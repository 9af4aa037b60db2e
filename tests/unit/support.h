/*
 * support.h: helpers shared by the unit tests: a scratch directory per
 * test and a freshly migrated SQLite database inside it.
 *
 * Criterion runs every test in its own process, so each test makes its own
 * directory and database and nothing is shared between tests.
 */
#ifndef COCLOUD_TEST_SUPPORT_H
#define COCLOUD_TEST_SUPPORT_H

#include <stddef.h>

#include "base/err.h"
#include "db/db.h"

/* Creates a fresh directory under $TMPDIR (or /tmp) and returns its path
 * (malloc'd); aborts the test if that fails. */
char *tmp_dir_new(void);

/* Removes dir and everything in it, then frees the path. NULL is a no-op. */
void tmp_dir_free(char *dir);

/* Writes "<dir>/<name>" into out (n bytes). */
void tmp_path(char *out, size_t n, const char *dir, const char *name);

/* Opens "<dir>/<name>" as a SQLite database with pool_size connections and
 * a short busy timeout, so that a test that waits on a lock fails fast. */
db *tmp_db_open(const char *dir, const char *name, int pool_size);

/* tmp_db_open plus every embedded migration. */
db *tmp_db_migrated(const char *dir, int pool_size);

/* Runs sql (statements without arguments) on a connection of d; fails the
 * test on an error. */
void tmp_db_script(db *d, const char *sql);

/* Runs `cocloud audit`'s checks on d with the report in out (n bytes);
 * returns how many failed, and fails the test if the audit cannot run. */
int tmp_audit(db *d, char *out, size_t n);

/* SELECT COUNT(*) from a statement without arguments; -1 on error. */
long long tmp_db_count(db *d, const char *sql);

/* The message e holds for field, or NULL. */
const char *message_of(const err_ctx *e, const char *field);

/* The fields of e, in order, as "a b c" (in out, n bytes), for exact
 * comparisons. */
const char *fields_of(const err_ctx *e, char *out, size_t n);

#define ASSERT_FIELDS(e, expected)                                        \
    do {                                                                  \
        char got_[768];                                                   \
        cr_assert_str_eq(fields_of(&(e), got_, sizeof got_), (expected)); \
    } while (0)

/* s repeated n times into out (cap bytes); fails the test if too long. */
char *repeat(char *out, size_t cap, const char *s, int n);

#endif
