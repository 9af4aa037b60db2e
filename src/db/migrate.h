/*
 * migrate.h: brings a database to the schema this binary knows.
 *
 * Migrations are the numbered files in src/db/migrations/, embedded at build
 * time. All pending ones run in one transaction and are recorded in
 * schema_migrations; on PostgreSQL an advisory lock makes instances that
 * start together take turns. A database whose newest recorded version is beyond what
 * this binary knows is refused (ERR_SCHEMA_NEWER), never touched.
 */
#ifndef COCLOUD_MIGRATE_H
#define COCLOUD_MIGRATE_H

#include "base/embed.h"
#include "db/db.h"

/* Applies pending migrations from table; *applied (may be NULL) gets how
 * many ran. */
int migrate_run(db *d, const embed_file *table, int *applied, err_ctx *e);

/* Newest version in table (the number before the underscore). */
int migrate_latest(const embed_file *table);

#endif
