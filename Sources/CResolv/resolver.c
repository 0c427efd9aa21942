#include "CResolv.h"
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

/* The address of server `n`: glibc keeps IPv6 servers in _u._ext.nsaddrs and marks the
 * IPv4 slot with family 0 (its own get_nsaddr reads them the same way). */
static const struct sockaddr *server_address(const struct __res_state *state, int n) {
    if (state->nsaddr_list[n].sin_family == 0 && state->_u._ext.nsaddrs[n] != NULL)
        return (const struct sockaddr *)state->_u._ext.nsaddrs[n];
    return (const struct sockaddr *)&state->nsaddr_list[n];
}

int cresolv_system_servers(cresolv_server *out, int capacity) {
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0) return -1;
    int count = 0;
    for (int n = 0; n < state.nscount && count < capacity; n++) {
        const struct sockaddr *address = server_address(&state, n);
        cresolv_server *server = &out[count];
        if (address->sa_family == AF_INET) {
            const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
            inet_ntop(AF_INET, &v4->sin_addr, server->ip, sizeof server->ip);
            server->port = ntohs(v4->sin_port);
        } else if (address->sa_family == AF_INET6) {
            const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
            inet_ntop(AF_INET6, &v6->sin6_addr, server->ip, sizeof server->ip);
            server->port = ntohs(v6->sin6_port);
        } else {
            continue;
        }
        count++;
    }
    res_nclose(&state);
    return count;
}

/* Makes `server` the only name server of `state`. IPv6 goes where glibc looks for it; the
 * memory is malloc'd as res_ninit's own is, so res_nclose frees it. */
static int use_only(struct __res_state *state, const cresolv_server *server) {
    for (int n = 0; n < MAXNS; n++) {
        free(state->_u._ext.nsaddrs[n]);
        state->_u._ext.nsaddrs[n] = NULL;
    }
    memset(state->nsaddr_list, 0, sizeof state->nsaddr_list);
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, server->ip, &v4) == 1) {
        state->nsaddr_list[0].sin_family = AF_INET;
        state->nsaddr_list[0].sin_addr = v4;
        state->nsaddr_list[0].sin_port = htons((unsigned short)server->port);
    } else if (inet_pton(AF_INET6, server->ip, &v6) == 1) {
        struct sockaddr_in6 *address = calloc(1, sizeof *address);
        if (address == NULL) return -1;
        address->sin6_family = AF_INET6;
        address->sin6_addr = v6;
        address->sin6_port = htons((unsigned short)server->port);
        state->_u._ext.nsaddrs[0] = address;
    } else {
        return -1;
    }
    state->nscount = 1;
    return 0;
}

int cresolv_send(const char *name, int type, const cresolv_server *server, int timeout_seconds, int attempts,
                 unsigned char *answer, int capacity, int *error) {
    struct __res_state *state = calloc(1, sizeof *state);
    if (state == NULL) {
        *error = ENOMEM;
        return -1;
    }
    if (res_ninit(state) != 0) {
        *error = errno != 0 ? errno : EIO;
        free(state);
        return -1;
    }
    int length = -1;
    if (use_only(state, server) != 0) {
        *error = EINVAL;
        goto done;
    }
    state->retrans = timeout_seconds > 0 ? timeout_seconds : 1;
    state->retry = attempts > 0 ? attempts : 1;
    state->options &= ~(unsigned long)RES_ROTATE;
    /* Non-zero pfcode ("called from dig") makes res_send hand back SERVFAIL, NOTIMP and
     * REFUSED answers instead of dropping them, so the caller can name the rcode. */
    state->pfcode = RES_PRF_HEAD2;
    unsigned char query[NS_PACKETSZ + 64];
    int query_length = res_nmkquery(state, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, query, sizeof query);
    if (query_length < 0) {
        *error = EMSGSIZE;
        goto done;
    }
    errno = 0;
    length = res_nsend(state, query, query_length, answer, capacity);
    if (length < 0) *error = errno != 0 ? errno : ETIMEDOUT;
done:
    res_nclose(state);
    free(state);
    return length;
}

int cresolv_parse(const unsigned char *answer, int length, int *rcode, cresolv_record *out, int capacity) {
    ns_msg message;
    if (ns_initparse(answer, length, &message) != 0) return -1;
    *rcode = ns_msg_getflag(message, ns_f_rcode);
    int count = 0;
    int records = ns_msg_count(message, ns_s_an);
    for (int n = 0; n < records && count < capacity; n++) {
        ns_rr rr;
        if (ns_parserr(&message, ns_s_an, n, &rr) != 0) return -1;
        cresolv_record *record = &out[count];
        memset(record, 0, sizeof *record);
        record->type = ns_rr_type(rr);
        record->ttl = ns_rr_ttl(rr);
        const unsigned char *data = ns_rr_rdata(rr);
        switch (record->type) {
        case ns_t_a:
            if (ns_rr_rdlen(rr) != 4) return -1;
            inet_ntop(AF_INET, data, record->text, sizeof record->text);
            break;
        case ns_t_aaaa:
            if (ns_rr_rdlen(rr) != 16) return -1;
            inet_ntop(AF_INET6, data, record->text, sizeof record->text);
            break;
        case ns_t_srv:
            if (ns_rr_rdlen(rr) < 7) return -1;
            record->priority = ns_get16(data);
            record->weight = ns_get16(data + 2);
            record->port = ns_get16(data + 4);
            if (dn_expand(ns_msg_base(message), ns_msg_end(message), data + 6, record->text, sizeof record->text) < 0)
                return -1;
            break;
        default:
            continue;
        }
        count++;
    }
    return count;
}
