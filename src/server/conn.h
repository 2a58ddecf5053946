/* conn.h - client connections on libevent's core (plain events for TCP,
 * bufferevent_openssl for TLS), with their bounds. */
#ifndef SKILLCERT_SRV_CONN_H
#define SKILLCERT_SRV_CONN_H

#include <event2/util.h>

struct worker;
struct sockaddr;

/* A socket the listener accepted (non-blocking): taken over, or closed
 * at once if its address is over the per-address cap. */
void conn_accept(struct worker *w, evutil_socket_t fd,
    const struct sockaddr *sa, int salen);
/* Closes every connection of the thread (shutdown). */
void conn_close_all(struct worker *w);

#endif
