// The thread that runs async work (forwardAsync, trainStep, ...), so neither the main thread nor
// libuv's pool is ever blocked by a forward pass. libtorch's intra-op pool does the parallel work.
// Jobs run one at a time in submission order; each settles its Promise on the main thread via one
// ThreadSafeFunction. A job that must call JS (a JS module's forward, a forward hook) asks the main
// thread to run that call and waits for it (RunOnMainThread).
#pragma once
#include "pch.h"
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include "core/errors.h"

namespace tvgg {

// What a job hands back: run on the main thread to build the resolved value.
using Settle = std::function<Napi::Value(Napi::Env)>;

class Executor {
 public:
  explicit Executor(Napi::Env env);
  ~Executor();

  // [main thread] Queues `work`. The Promise resolves with what the returned Settle builds, or rejects
  // with the error `work` threw, converted exactly like a sync call's (DescribeException) and with the
  // JS stack of this call (captured here, so the rejection points at the caller's line). `settled`,
  // when given, runs on the main thread just before the Promise settles, whatever the outcome.
  Napi::Promise Submit(Napi::Env env, std::function<Settle()> work, std::function<void()> settled = nullptr);

  // [main thread] Jobs submitted and not yet settled, the running one included.
  size_t Pending() const { return in_flight_; }

  // [any thread] Runs `fn` on the main thread (now if already there). Used to drop JS references
  // held by tensors whose last owner dies on the executor thread.
  void OnMainThread(std::function<void()> fn);

  // [any thread] Runs `fn` on the main thread and waits for it; on the main thread it runs now.
  // What `fn` throws is rethrown here (a JS error as JsThrown). Throws when the environment is
  // shutting down instead of waiting forever.
  void RunOnMainThread(const std::function<void(Napi::Env)>& fn);

  bool OnMainThreadNow() const { return std::this_thread::get_id() == main_id_; }

 private:
  struct Done;
  struct Wait;
  void Loop();
  static void Deliver(Napi::Env env, Napi::Function, std::nullptr_t*, Done* done);

  Napi::Env env_;
  std::thread::id main_id_;
  Napi::TypedThreadSafeFunction<std::nullptr_t, Done, &Executor::Deliver> tsfn_;
  size_t in_flight_ = 0;  // main thread only: keeps the loop alive while jobs are pending
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::set<std::shared_ptr<Wait>> waits_;  // main-thread calls the executor thread is waiting for
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tvgg
