// Marking the modules an async job uses, and refusing changes to them meanwhile.
#include "nn/busy.h"

namespace tvgg {

namespace {
void Collect(const Module::Ptr& m, std::vector<Module::Ptr>& out) {
  out.push_back(m);
  for (auto& [key, child] : m->Children()) Collect(child, out);
}

const Module* FindBusy(const Module& m, bool subtree, bool writers_only) {
  if (writers_only ? m.busy_writers > 0 : m.busy_jobs > 0) return &m;
  if (!subtree) return nullptr;
  for (auto& [key, child] : m.Children())
    if (auto* hit = FindBusy(*child, true, writers_only)) return hit;
  return nullptr;
}

[[noreturn]] void Refuse(const Module& root, const Module& busy, const std::string& action) {
  std::string which = &root == &busy ? root.TypeName() : root.TypeName() + " (its " + busy.TypeName() + ")";
  throw BusyError(which + " is busy: " + std::to_string(busy.busy_jobs) +
                  " async call(s) (forwardAsync, trainStep) are using it; await them before " + action);
}
}  // namespace

std::vector<Module::Ptr> MarkBusy(const Module::Ptr& m, bool writes) {
  std::vector<Module::Ptr> marked;
  Collect(m, marked);
  for (auto& x : marked) {
    x->busy_jobs++;
    if (writes) x->busy_writers++;
  }
  return marked;
}

void Unmark(const std::vector<Module::Ptr>& marked, bool writes) {
  for (auto& x : marked) {
    x->busy_jobs--;
    if (writes) x->busy_writers--;
  }
}

void EnsureIdle(const Module& m, const std::string& action, bool subtree) {
  if (auto* busy = FindBusy(m, subtree, false)) Refuse(m, *busy, action);
}

void EnsureReadable(const Module& m) {
  if (auto* busy = FindBusy(m, true, !m.Training())) Refuse(m, *busy, "calling forward()");
}

}  // namespace tvgg
