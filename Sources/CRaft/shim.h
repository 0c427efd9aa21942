#ifndef CRAFT_SHIM_H
#define CRAFT_SHIM_H
#include <uv.h>
#include <raft.h>
#include <raft/uv.h>
#include <sys/prctl.h>

/* Names the calling thread (at most 15 bytes are kept); prctl is variadic, so Swift cannot call it. */
static inline int craft_set_thread_name(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }
#endif
