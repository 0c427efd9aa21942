#ifndef CPOSIX_H
#define CPOSIX_H
/* Linux calls the plain Raft listener and the libraft version check need that Glibc's Swift
 * module does not show (GNU extensions, a variadic call, a macro that is a cast). This header
 * includes no system header, so the module owns none of libc's declarations; posix.c includes
 * them. */

struct sockaddr;

/* accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC. */
int cposix_accept(int fd, struct sockaddr *address, unsigned int *length);
/* eventfd(2), non-blocking and close-on-exec. */
int cposix_eventfd(void);
/* fcntl(fd, F_DUPFD_CLOEXEC, 0). */
int cposix_dup_cloexec(int fd);
/* signal(SIGPIPE, SIG_IGN). */
void cposix_ignore_sigpipe(void);
/* signal(SIGHUP, SIG_IGN). */
void cposix_ignore_sighup(void);
/* The path of the loaded shared object that holds `address` (dladdr(3)), or NULL. */
const char *cposix_object_path(const void *address);
/* `name` looked up in the loaded shared object that holds `address` only, or NULL. */
void *cposix_object_symbol(const void *address, const char *name);
/* fstat(2) of `fd`: its file type (S_IFMT bits: 1 regular, 2 directory, 0 other) and its
 * permission bits; 0, or -1 with errno set. Swift code then reads no `struct stat`, whose
 * clang module a build may attribute to another C module than the one a file imports. */
int cposix_file_kind(int fd, int *kind, unsigned int *permissions);
/* poll(2)'s POLLRDHUP: the peer shut down its side. */
extern const short cposix_pollrdhup;
#endif
