#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <stdint.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static inline int copenssl_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_min_proto_version(c, v); }
static inline int copenssl_SSL_CTX_set_max_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_max_proto_version(c, v); }
static inline uint64_t copenssl_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return (uint64_t)SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline int copenssl_SSL_set_tlsext_host_name(SSL *s, const char *name) { return (int)SSL_set_tlsext_host_name(s, name); }
static inline size_t copenssl_BIO_pending(BIO *b) { return (size_t)BIO_pending(b); }
static inline uint64_t copenssl_SSL_OP_NO_RENEGOTIATION(void) { return (uint64_t)SSL_OP_NO_RENEGOTIATION; }
static inline int copenssl_SSL_CTX_add1_chain_cert(SSL_CTX *c, X509 *x) { return (int)SSL_CTX_add1_chain_cert(c, x); }
static inline int copenssl_SSL_set1_verify_cert_store(SSL *s, X509_STORE *st) { return (int)SSL_set1_verify_cert_store(s, st); }
#endif
