// The concurrency contract of a module: while async work (forwardAsync, trainStep) uses a module, the
// main thread may not change it. Jobs mark every module of their tree at submission and unmark it when
// they settle; a change to a marked module is refused with a BusyError (code ERR_TORCHVGG_MODULE_BUSY)
// instead of racing the executor thread. Main thread only: jobs are marked before they are queued.
#pragma once
#include "nn/module.h"

namespace tvgg {

// Marks `m` and every module below it as used by one job (`writes`: it changes parameters or
// statistics: trainStep, or forwardAsync in training mode). Returns what Unmark must release.
std::vector<Module::Ptr> MarkBusy(const Module::Ptr& m, bool writes);
void Unmark(const std::vector<Module::Ptr>& marked, bool writes);

// Throws BusyError naming `action` when `m` (and, with `subtree`, a module below it) is in use.
void EnsureIdle(const Module& m, const std::string& action, bool subtree = true);
// For a sync forward: refused only while a writing job uses the module, or while any job does and the
// module is in training mode (its forward then writes batch-norm statistics).
void EnsureReadable(const Module& m);

}  // namespace tvgg
