/*
 * options.h: command-line flags, each also readable from a COCLOUD_*
 * environment variable (flags win). One table describes name, variable,
 * type and help text, so usage text and parsing never disagree.
 */
#ifndef COCLOUD_OPTIONS_H
#define COCLOUD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { OPT_STRING, OPT_INT, OPT_SIZE, OPT_BOOL, OPT_SECONDS } opt_type;

typedef struct opt {
    const char *name;  /* "listen" for --listen */
    const char *env;   /* "COCLOUD_LISTEN", or NULL */
    opt_type type;
    void *target;      /* const char **, int *, size_t *, bool *, int64_t * (ms) */
    const char *arg;   /* placeholder in usage, e.g. "ADDR" */
    const char *help;
    long min, max;     /* for numbers */
} opt;

/* Applies environment variables, then argv[0..argc). Returns 0, or -1 after
 * printing what is wrong to err. Positional arguments are refused. */
int options_parse(const opt *opts, int n, int argc, char **argv, FILE *err);

/* Prints one line per option. */
void options_usage(const opt *opts, int n, FILE *out);

#endif
