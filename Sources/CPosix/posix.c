#define _GNU_SOURCE
#include "CPosix.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int cposix_accept(int fd, struct sockaddr *address, unsigned int *length) {
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int cposix_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int cposix_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }

void cposix_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

const short cposix_pollrdhup = POLLRDHUP;
