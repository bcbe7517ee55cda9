// The thread that runs async work (forwardAsync, and later backward/load), so neither the main thread
// nor libuv's pool is ever blocked by a forward pass. libtorch's intra-op pool does the parallel work.
// Jobs run in submission order; each settles its Promise on the main thread via one ThreadSafeFunction.
#pragma once
#include "pch.h"
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tvgg {

// What a job hands back: run on the main thread to build the resolved value.
using Settle = std::function<Napi::Value(Napi::Env)>;

class Executor {
 public:
  explicit Executor(Napi::Env env);
  ~Executor();

  // [main thread] Queues `work`; the Promise resolves with what the returned Settle builds, or rejects
  // with the error `work` threw (converted like a sync call's).
  Napi::Promise Submit(Napi::Env env, std::function<Settle()> work);

  // [any thread] Runs `fn` on the main thread (now if already there). Used to drop JS references
  // held by tensors whose last owner dies on the executor thread.
  void OnMainThread(std::function<void()> fn);

 private:
  struct Done;
  void Loop();
  static void Deliver(Napi::Env env, Napi::Function, std::nullptr_t*, Done* done);

  std::thread::id main_id_;
  Napi::TypedThreadSafeFunction<std::nullptr_t, Done, &Executor::Deliver> tsfn_;
  size_t in_flight_ = 0;  // main thread only: keeps the loop alive while jobs are pending
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tvgg
