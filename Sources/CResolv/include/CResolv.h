#ifndef CRESOLV_H
#define CRESOLV_H
/* glibc's stub resolver (libresolv) for the DNS discovery plugin: one query to one name server
 * with a res_state of its own (never the global _res), and the answer's records copied into
 * plain structs. This header includes no system header; resolver.c does. */

enum {
    /* How many name servers glibc's res_state holds (MAXNS). */
    CRESOLV_MAX_SERVERS = 3,
    /* Room for a domain name as text (NS_MAXDNAME). */
    CRESOLV_NAME_LENGTH = 1025,
    /* Room for an IP literal as text (INET6_ADDRSTRLEN, rounded up). */
    CRESOLV_IP_LENGTH = 64
};

/* A name server: an IPv4 or IPv6 literal and a UDP/TCP port. */
typedef struct {
    char ip[CRESOLV_IP_LENGTH];
    int port;
} cresolv_server;

/* One answer record of type A (1), AAAA (28) or SRV (33). */
typedef struct {
    int type;
    unsigned int ttl;
    /* SRV only. */
    unsigned short priority, weight, port;
    /* The address (A, AAAA) or the target name (SRV). */
    char text[CRESOLV_NAME_LENGTH];
} cresolv_record;

/* The name servers /etc/resolv.conf lists, as res_ninit reads them, at most `capacity`;
 * their count, or -1 when res_ninit fails. */
int cresolv_system_servers(cresolv_server *out, int capacity);

/* Sends one class-IN query of `type` for `name` to `server` alone, `attempts` tries of
 * `timeout_seconds` each; TCP is used when the answer is truncated. An answer with any
 * rcode (SERVFAIL included) comes back as is. Returns the answer's length, or -1 with
 * *error set: ETIMEDOUT (no answer), ECONNREFUSED (nothing listens), EMSGSIZE (the query
 * cannot be built), EINVAL (the server address), or what res_ninit left in errno. */
int cresolv_send(const char *name, int type, const cresolv_server *server, int timeout_seconds, int attempts,
                 unsigned char *answer, int capacity, int *error);

/* Parses an answer (ns_initparse/ns_parserr): its rcode into *rcode and its A, AAAA and SRV
 * answer records into `out` (at most `capacity`; others are skipped). Returns how many were
 * stored, or -1 when the message is malformed. */
int cresolv_parse(const unsigned char *answer, int length, int *rcode, cresolv_record *out, int capacity);
#endif
