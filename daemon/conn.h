/* Connections: framing, limits, backpressure and the order of replies.
 *
 * A connection is a state machine (enum conn_state, srv.h). One function
 * in conn.c decides from the state alone whether the connection is read,
 * and every callback (bytes in, bytes out, a commit's replies, the end of
 * a round of callbacks) ends in it:
 *
 *   READING  -> WAITING   a read arrives while writes are queued
 *   WAITING  -> READING   the last queued write is answered
 *   READING  -> OUTPUT    unsent replies pass output_limit
 *   OUTPUT   -> READING   they drop to half of it
 *   any      -> CLOSING   QUIT, a line over max_line, a BATCH over
 *                         max_batch, the server stopping
 *   READING  -> CLOSING   the peer shut its sending side (EOF: a TCP
 *                         half-close, or TLS close_notify) and every whole
 *                         line it sent before is served
 *   CLOSING  -> freed     every write answered and every reply sent
 *   any      -> LOST      a reply could not be kept (out of memory):
 *                         the replies before it are sent, none after
 *   LOST     -> freed     every write answered and what was sent before
 *                         has left
 *   any      -> DEAD      the peer is gone (an error, idle_timeout with
 *                         nothing read or nothing of its replies taken,
 *                         the first output_limit of the replies
 *                         waiting idle_timeout ago not all taken yet,
 *                         a line late): freed when its queued writes
 *                         are answered
 *
 * Every line is bounded twice: the bytes buffered while no LF has come
 * (max_line, and line_deadline seconds from its first byte waiting alone
 * in the buffer to its LF), and each whole line. A line over max_line is
 * answered TOOBIG and the connection closed, since its framing is lost. Replies
 * go out in request order: a write's reply waits in its slot until its commit
 * is on disk. */
#ifndef VD_CONN_H
#define VD_CONN_H

#include "srv.h"

/* Serve a new socket (a listener's). Over max_connections, or while
 * stopping: "ERR BUSY" and close. tls: the socket speaks TLS (s->tls). */
void conn_accept(struct server *s, int fd, const char *peer, int is_unix,
                 int tls);

/* Stop reading c; close it once what it has read is answered and sent
 * (SIGTERM; a LOST connection sends nothing more and closes as it
 * would). */
void conn_stop(struct conn *c);

/* The destructor: unlinks c, frees its socket and events at once and the
 * rest when its last queued write is answered (it may be freed before
 * this returns). Safe on a half-built connection and on one already
 * closed. */
void conn_close(struct conn *c);

#endif
