/*
 * options.c: the flag and environment parser.
 */
#include "cli/options.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int set_value(const opt *o, const char *v, const char *from, FILE *err)
{
    char *end;
    switch (o->type) {
    case OPT_STRING:
        if (!*v) {
            fprintf(err, "cocloud: %s must not be empty\n", from);
            return -1;
        }
        *(const char **)o->target = v;
        return 0;
    case OPT_BOOL:
        if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes")) {
            *(bool *)o->target = true;
            return 0;
        }
        if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no")) {
            *(bool *)o->target = false;
            return 0;
        }
        fprintf(err, "cocloud: %s must be true or false, not '%s'\n", from, v);
        return -1;
    default: {
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end || x < o->min || x > o->max) {
            fprintf(err, "cocloud: %s must be a whole number from %ld to %ld, not '%s'\n", from,
                    o->min, o->max, v);
            return -1;
        }
        if (o->type == OPT_INT)
            *(int *)o->target = (int)x;
        else if (o->type == OPT_SIZE)
            *(size_t *)o->target = (size_t)x;
        else
            *(int64_t *)o->target = (int64_t)x * 1000;
        return 0;
    }
    }
}

int options_parse(const opt *opts, int n, int argc, char **argv, FILE *err)
{
    for (int i = 0; i < n; i++) {
        const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
        if (v && *v && set_value(&opts[i], v, opts[i].env, err))
            return -1;
    }
    for (int k = 0; k < argc; k++) {
        const char *a = argv[k];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(err, "cocloud: unexpected argument '%s'\n", a);
            return -1;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const opt *o = NULL;
        for (int i = 0; i < n && !o; i++)
            if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
                o = &opts[i];
        if (!o) {
            fprintf(err, "cocloud: unknown flag '--%.*s'\n", (int)len, name);
            return -1;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v && o->type == OPT_BOOL)
            v = "true";
        if (!v) {
            if (k + 1 >= argc) {
                fprintf(err, "cocloud: --%s needs a value\n", o->name);
                return -1;
            }
            v = argv[++k];
        }
        char from[64];
        snprintf(from, sizeof from, "--%s", o->name);
        if (set_value(o, v, from, err))
            return -1;
    }
    return 0;
}

void options_usage(const opt *opts, int n, FILE *out)
{
    for (int i = 0; i < n; i++) {
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        fprintf(out, "  %-26s %s%s%s%s\n", left, opts[i].help, opts[i].env ? " [" : "",
                opts[i].env ? opts[i].env : "", opts[i].env ? "]" : "");
    }
}
