#define _GNU_SOURCE
#include "CPosix.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/socket.h>

int cposix_accept(int fd, struct sockaddr *address, unsigned int *length) {
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int cposix_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int cposix_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }

void cposix_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }
void cposix_ignore_sighup(void) { signal(SIGHUP, SIG_IGN); }

const char *cposix_object_path(const void *address) {
    Dl_info info;
    if (dladdr(address, &info) == 0) return NULL;
    return info.dli_fname;
}

void *cposix_object_symbol(const void *address, const char *name) {
    const char *path = cposix_object_path(address);
    if (path == NULL) return NULL;
    void *object = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
    if (object == NULL) return NULL;
    void *symbol = dlsym(object, name);
    dlclose(object); /* still loaded: `address` is in it */
    return symbol;
}

const short cposix_pollrdhup = POLLRDHUP;

int cposix_file_kind(int fd, int *kind, unsigned int *permissions) {
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    *kind = S_ISREG(info.st_mode) ? 1 : S_ISDIR(info.st_mode) ? 2 : 0;
    *permissions = (unsigned int)(info.st_mode & 07777);
    return 0;
}
