#ifndef CRAFT_SHIM_H
#define CRAFT_SHIM_H
#include <uv.h>
#include <raft.h>
#include <raft/uv.h>
#endif
