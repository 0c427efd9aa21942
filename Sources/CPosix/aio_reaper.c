#define _GNU_SOURCE
#include "CPosix.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

/* libraft 0.15.0 closes a log segment's writer on the Raft loop thread, and closing it calls
 * io_destroy(2) through syscall(3) (libraft's src/syscall.c). The kernel makes io_destroy wait
 * for an RCU grace period, 30-100 ms on the machines we measured, and every write in flight
 * waits with the loop. libraft closes a writer only once its one write has completed (at
 * segment roll-over, snapshot_put and raft_close alike), so nothing of the context is still in
 * use: the call may as well happen on another thread. This definition of syscall(3), which
 * libraft's PLT binds to because the executable comes first, hands io_destroy calls made on a
 * thread that asked for it (the Raft loop) to one reaper thread and passes everything else,
 * and every other thread's calls, to libc's. */

enum { reaper_capacity = 64 };

static __thread int defer_here;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static unsigned long waiting[reaper_capacity];
static int waiting_count;
static int reaper_started;
static unsigned long reaped_total;

typedef long (*syscall_function)(long, ...);

static syscall_function libc_syscall(void) {
    static syscall_function found;
    syscall_function function = __atomic_load_n(&found, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (syscall_function)dlsym(RTLD_NEXT, "syscall");
        __atomic_store_n(&found, function, __ATOMIC_RELEASE);
    }
    return function;
}

static void *reap(void *unused) {
    (void)unused;
    pthread_setname_np(pthread_self(), "raft-aio-reap");
    pthread_mutex_lock(&lock);
    for (;;) {
        while (waiting_count == 0) pthread_cond_wait(&wake, &lock);
        unsigned long context = waiting[--waiting_count];
        pthread_mutex_unlock(&lock);
        libc_syscall()(SYS_io_destroy, context);
        pthread_mutex_lock(&lock);
        reaped_total += 1;
    }
    return NULL;
}

/* Queues `context` for the reaper; 0 when the queue is full or no reaper could start, and the
 * caller destroys it itself. */
static int hand_over(unsigned long context) {
    int queued = 0;
    pthread_mutex_lock(&lock);
    if (!reaper_started) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attributes, 64 * 1024);
        reaper_started = pthread_create(&thread, &attributes, reap, NULL) == 0 ? 1 : -1;
        pthread_attr_destroy(&attributes);
    }
    if (reaper_started == 1 && waiting_count < reaper_capacity) {
        waiting[waiting_count++] = context;
        pthread_cond_signal(&wake);
        queued = 1;
    }
    pthread_mutex_unlock(&lock);
    return queued;
}

long syscall(long number, ...) {
    va_list arguments;
    va_start(arguments, number);
    long a = va_arg(arguments, long), b = va_arg(arguments, long), c = va_arg(arguments, long);
    long d = va_arg(arguments, long), e = va_arg(arguments, long), f = va_arg(arguments, long);
    va_end(arguments);
    if (number == SYS_io_destroy && defer_here && hand_over((unsigned long)a)) return 0;
    return libc_syscall()(number, a, b, c, d, e, f);
}

void cposix_defer_io_destroy_here(int enabled) { defer_here = enabled; }

unsigned long cposix_io_destroy_deferred(void) {
    pthread_mutex_lock(&lock);
    unsigned long count = reaped_total;
    pthread_mutex_unlock(&lock);
    return count;
}
