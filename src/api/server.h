/*
 * server.h: the HTTP server on libmicrohttpd: a pool of worker threads,
 * the request lifecycle (route, limits, auth, handler, answer), the access
 * log and graceful shutdown.
 */
#ifndef COCLOUD_SERVER_H
#define COCLOUD_SERVER_H

#include "api/app.h"

/* Serves until SIGINT or SIGTERM, then lets in-flight requests finish
 * (up to a grace period) and returns 0. Prints "cocloud listening on URL"
 * on stdout once connections are accepted. ERR_IO when the address cannot
 * be bound. The caller must block SIGINT and SIGTERM in all threads
 * (server_block_signals) before any thread is started. */
int server_run(app *a, err_ctx *e);

/* Blocks the shutdown signals in the calling thread, which new threads
 * inherit, so that only server_run's sigwait sees them. */
void server_block_signals(void);

#endif
