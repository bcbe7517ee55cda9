#include "core/executor.h"
#include "core/errors.h"
#include "core/thread_state.h"

namespace tvgg {

struct Executor::Done {
  Executor* self;
  std::function<void(Napi::Env)> run;  // executes on the main thread
  bool settles_job;
};

Executor::Executor(Napi::Env env) : main_id_(std::this_thread::get_id()) {
  tsfn_ = decltype(tsfn_)::New(env, "torchvgg-executor", 0, 1);
  tsfn_.Unref(env);  // an idle executor must not keep the process alive
  thread_ = std::thread([this] { Loop(); });
}

Executor::~Executor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  tsfn_.Abort();
}

void Executor::Loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void Executor::Deliver(Napi::Env env, Napi::Function, std::nullptr_t*, Done* done) {
  std::unique_ptr<Done> owned(done);
  if (env == nullptr) return;  // environment shutting down
  if (done->settles_job && --done->self->in_flight_ == 0) done->self->tsfn_.Unref(env);
  done->run(env);
}

Napi::Promise Executor::Submit(Napi::Env env, std::function<Settle()> work) {
  auto deferred = Napi::Promise::Deferred::New(env);
  if (in_flight_++ == 0) tsfn_.Ref(env);
  auto job = [this, deferred, work = std::move(work), state = ThreadState::Capture()]() {
    std::function<void(Napi::Env)> finish;
    try {
      ThreadStateScope scope(state);
      Settle settle = work();
      finish = [deferred, settle](Napi::Env env) {
        Napi::HandleScope scope(env);
        try {
          deferred.Resolve(Guard(env, [&] { return settle(env); }));
        } catch (const Napi::Error& e) {
          deferred.Reject(e.Value());
        }
      };
    } catch (const c10::Error& e) {
      std::string msg = FirstLines(e.what_without_backtrace());
      finish = [deferred, msg](Napi::Env env) { deferred.Reject(Napi::Error::New(env, msg).Value()); };
    } catch (const std::exception& e) {
      std::string msg = e.what();
      finish = [deferred, msg](Napi::Env env) { deferred.Reject(Napi::Error::New(env, msg).Value()); };
    } catch (...) {  // never let an exception end the process from this thread
      finish = [deferred](Napi::Env env) {
        deferred.Reject(Napi::Error::New(env, "torchvgg: unknown native error in an async job").Value());
      };
    }
    tsfn_.NonBlockingCall(new Done{this, std::move(finish), true});
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return deferred.Promise();
}

void Executor::OnMainThread(std::function<void()> fn) {
  if (std::this_thread::get_id() == main_id_) {
    fn();
    return;
  }
  tsfn_.NonBlockingCall(new Done{this, [fn](Napi::Env) { fn(); }, false});
}

}  // namespace tvgg
