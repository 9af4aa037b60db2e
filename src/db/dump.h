/*
 * dump.h: moving a whole database between engines (SQLite to PostgreSQL
 * and back) as JSON Lines.
 *
 * The first line is {"cocloud_dump": 1, "schema_version": N}; each further
 * line is {"table": "...", "row": {"column": "text or null", ...}}. Values
 * travel as text, which both engines read back into their column types.
 * Tables come in dependency order (parents first), so foreign keys hold
 * at every row of an import.
 */
#ifndef COCLOUD_DUMP_H
#define COCLOUD_DUMP_H

#include <stdio.h>

#include "base/embed.h"
#include "db/db.h"

/* Writes every row of every table to out. */
int dump_export(db *d, FILE *out, err_ctx *e);

/* Reads a dump into a database that has no rows yet (it is migrated to
 * the dump's schema version first), all in one transaction. *rows gets the
 * number of rows written. */
int dump_import(db *d, const embed_file *migrations, FILE *in, long *rows, err_ctx *e);

#endif
