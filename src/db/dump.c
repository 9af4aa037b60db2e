/*
 * dump.c: export and import in JSON Lines (see dump.h).
 */
#include "db/dump.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "db/migrate.h"

#define DUMP_FORMAT 1
#define DUMP_LINE_MAX (1 << 20)

/* Every table, parents before children. A migration that adds a table adds
 * it here; dump_export refuses a database with a table not listed. */
static const char *const dump_tables[] = {
    "orgs",      "users",     "sessions",   "login_throttle", "regions",      "products",
    "prices",    "packs",     "pack_items", "campaigns",      "policies",     "policy_usage",
    "policy_totals", "quotes", "orders", "order_policies", "funds", "drops",
    "drop_shards", "claims", "grants", "ledger_txns", "ledger_entries", NULL,
};
/* Tables that belong to the schema, not the data: migrations write them. */
static const char *const dump_skip[] = {"schema_migrations", "change_versions", NULL};

static bool identifier(const char *s)
{
    if (!*s || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static int table_index(const char *name)
{
    for (int i = 0; dump_tables[i]; i++)
        if (strcmp(dump_tables[i], name) == 0)
            return i;
    return -1;
}

/* The tables the database has, checked against dump_tables. Each engine
 * lists its tables in its own catalog: the one per-engine query here. */
static int check_tables(db_conn *c, bool postgres, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc = db_query(c,
                      postgres ? "SELECT tablename FROM pg_tables"
                                 " WHERE schemaname = current_schema()"
                                 " AND tablename <> 'schema_migrations'"
                               : "SELECT name FROM sqlite_master WHERE type = 'table'"
                                 " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
                      DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row)
        if (table_index(db_text(st, 0)) < 0 && text_index(dump_skip, db_text(st, 0)) < 0)
            rc = err_set(e, ERR_INTERNAL, "table %s is not known to export; update dump.c",
                         db_text(st, 0));
    db_done(st);
    return rc;
}

static int schema_version(db_conn *c, int *v, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc = db_query_row(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                          DB_NOARGS, &st, &row, e);
    if (!rc)
        *v = row ? (int)db_int(st, 0) : 0;
    db_done(st);
    return rc;
}

static int export_table(db_conn *c, const char *table, FILE *out, err_ctx *e)
{
    char sql[128];
    db_stmt *st = NULL;
    bool row;
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", table);
    int rc = db_query_fresh(c, sql, DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        json_t *obj = json_object();
        for (int i = 0; obj && i < db_col_count(st); i++) {
            const char *v = db_text(st, i);
            json_object_set_new(obj, db_col_name(st, i), v ? json_string(v) : json_null());
        }
        json_t *line = json_pack("{s:s, s:o}", "table", table, "row", obj);
        char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
        json_decref(line);
        if (!text || fprintf(out, "%s\n", text) < 0)
            rc = err_set(e, text ? ERR_IO : ERR_NOMEM, "cannot write the dump");
        free(text);
    }
    db_done(st);
    return rc;
}

int dump_export(db *d, FILE *out, err_ctx *e)
{
    db_conn *c = NULL;
    int version = 0;
    int rc = db_acquire(d, &c, e);
    /* One read transaction, so the rows are a consistent snapshot. */
    if (!rc)
        rc = db_begin_read(c, e);
    if (!rc)
        rc = check_tables(c, strcmp(db_engine(d), "postgres") == 0, e);
    if (!rc)
        rc = schema_version(c, &version, e);
    if (!rc && fprintf(out, "{\"cocloud_dump\":%d,\"schema_version\":%d}\n", DUMP_FORMAT,
                       version) < 0)
        rc = err_set(e, ERR_IO, "cannot write the dump");
    for (int i = 0; !rc && dump_tables[i]; i++)
        rc = export_table(c, dump_tables[i], out, e);
    if (!rc && fflush(out))
        rc = err_set(e, ERR_IO, "cannot write the dump");
    db_release(c); /* ends the read transaction */
    return rc;
}

static int ensure_empty(db_conn *c, err_ctx *e)
{
    char sql[96];
    for (int i = 0; dump_tables[i]; i++) {
        db_stmt *st = NULL;
        bool row;
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", dump_tables[i]);
        int rc = db_query_fresh(c, sql, DB_NOARGS, &st, e);
        if (!rc)
            rc = db_step(st, &row, e);
        db_done(st);
        if (rc)
            return rc;
        if (row)
            return err_set(e, ERR_CONFLICT, "the target database already has %s; import needs "
                                            "an empty database", dump_tables[i]);
    }
    return 0;
}

/* Inserts one row with the columns it carries (names checked to be plain
 * identifiers, values bound as text). */
static int import_row(db_conn *c, const char *table, json_t *row, long line, err_ctx *e)
{
    size_t n = json_object_size(row), i = 0;
    if (n == 0 || n > 64)
        return err_set(e, ERR_VALIDATION, "line %ld: a row needs 1 to 64 columns", line);
    /* 64 names of up to 63 chars with ", " between them fit; so do the marks. */
    char cols[64 * 65 + 1], marks[64 * 3 + 1], sql[sizeof cols + sizeof marks + 128];
    size_t cl = 0, ml = 0;
    db_arg args[64];
    const char *key;
    json_t *v;
    json_object_foreach(row, key, v) {
        if (!identifier(key) || (!json_is_string(v) && !json_is_null(v)))
            return err_set(e, ERR_VALIDATION, "line %ld: bad column %s", line, key);
        cl += (size_t)snprintf(cols + cl, sizeof cols - cl, "%s%s", i ? ", " : "", key);
        ml += (size_t)snprintf(marks + ml, sizeof marks - ml, "%s", i ? ", ?" : "?");
        args[i++] = DB_TEXT(json_is_string(v) ? json_string_value(v) : NULL);
    }
    snprintf(sql, sizeof sql, "INSERT INTO %s (%s) VALUES (%s)", table, cols, marks);
    db_stmt *st = NULL;
    bool more = true;
    int rc = db_query_fresh(c, sql, args, (int)n, &st, e);
    while (!rc && more)
        rc = db_step(st, &more, e);
    db_done(st);
    if (rc) {
        char why[ERR_DETAIL_LEN];
        snprintf(why, sizeof why, "%s", e->detail);
        err_set(e, rc, "line %ld (%s): %s", line, table, why);
    }
    return rc;
}

int dump_import(db *d, const embed_file *migrations, FILE *in, long *rows, err_ctx *e)
{
    db_conn *c = NULL;
    char *buf = malloc(DUMP_LINE_MAX);
    long line = 0, count = 0;
    int rc = buf ? migrate_run(d, migrations, NULL, e) : err_set(e, ERR_NOMEM, "out of memory");
    int version = 0, last_table = -1;
    if (!rc)
        rc = db_acquire(d, &c, e);
    if (!rc)
        rc = db_begin(c, e);
    if (!rc)
        rc = schema_version(c, &version, e);
    if (!rc)
        rc = ensure_empty(c, e);
    while (!rc && fgets(buf, DUMP_LINE_MAX, in)) {
        line++;
        json_error_t je;
        json_t *j = json_loads(buf, JSON_REJECT_DUPLICATES, &je);
        if (!j) {
            rc = err_set(e, ERR_BAD_JSON, "line %ld: %s", line, je.text);
            break;
        }
        if (line == 1) {
            json_int_t fmt = json_integer_value(json_object_get(j, "cocloud_dump"));
            json_int_t ver = json_integer_value(json_object_get(j, "schema_version"));
            if (fmt != DUMP_FORMAT)
                rc = err_set(e, ERR_VALIDATION, "not a cocloud dump (format %d expected)",
                             DUMP_FORMAT);
            else if (ver != version)
                rc = err_set(e, ERR_VALIDATION,
                             "the dump has schema version %lld, this cocloud %d: use the "
                             "same cocloud version on both sides",
                             (long long)ver, version);
        } else {
            const char *table = json_string_value(json_object_get(j, "table"));
            json_t *row = json_object_get(j, "row");
            int t = table ? table_index(table) : -1;
            if (t < 0 || !json_is_object(row))
                rc = err_set(e, ERR_VALIDATION, "line %ld: unknown table or no row", line);
            else if (t < last_table)
                rc = err_set(e, ERR_VALIDATION, "line %ld: tables out of order", line);
            else if (!(rc = import_row(c, table, row, line, e)))
                count++, last_table = t;
        }
        json_decref(j);
    }
    if (!rc && line == 0)
        rc = err_set(e, ERR_VALIDATION, "the dump is empty");
    if (!rc)
        rc = db_commit(c, e);
    db_release(c);
    free(buf);
    if (rows)
        *rows = rc ? 0 : count;
    return rc;
}
