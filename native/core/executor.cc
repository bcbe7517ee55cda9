// The executor thread: the job queue, settling Promises on the main thread, and main-thread calls it waits for.
#include "core/executor.h"
#include "core/thread_state.h"

namespace tvgg {

struct Executor::Done {
  Executor* self;
  std::function<void(Napi::Env)> run;  // executes on the main thread
  bool settles_job;
  std::function<void()> cancel;  // runs instead of `run` when the environment is gone
};

// One RunOnMainThread call in progress: the executor thread waits on it until the main thread is done.
struct Executor::Wait {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool failed = false;
  JsErrorSpec error;
  void Finish(bool fail, JsErrorSpec e = {}) {
    std::lock_guard<std::mutex> lock(mu);
    if (done) return;
    done = true;
    failed = fail;
    error = std::move(e);
    cv.notify_all();
  }
};

Executor::Executor(Napi::Env env) : env_(env), main_id_(std::this_thread::get_id()) {
  tsfn_ = decltype(tsfn_)::New(env, "torchvgg-executor", 0, 1);
  tsfn_.Unref(env);  // an idle executor must not keep the process alive
  thread_ = std::thread([this] { Loop(); });
}

Executor::~Executor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    // A job waiting for the main thread would wait forever now: fail those waits.
    for (auto& w : waits_) w->Finish(true, {JsErrorSpec::Error, "torchvgg: the environment is shutting down", ""});
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
  if (env == nullptr) {  // environment shutting down
    if (done->cancel) done->cancel();
    return;
  }
  if (done->settles_job && --done->self->in_flight_ == 0) done->self->tsfn_.Unref(env);
  done->run(env);
}

namespace {
// The rejection carries the stack captured at submission: "TypeError: message" + the caller's frames.
Napi::Value RejectionFor(Napi::Env env, const JsErrorSpec& spec, Napi::ObjectReference* trace) {
  Napi::Error error = MakeJsError(env, spec);
  if (trace) {
    std::string frames = trace->Value().Get("stack").ToString();
    auto nl = frames.find('\n');
    std::string name = error.Value().Get("name").ToString();
    error.Value().Set("stack", name + ": " + spec.message + (nl == std::string::npos ? "" : frames.substr(nl)));
  }
  return error.Value();
}
}  // namespace

Napi::Promise Executor::Submit(Napi::Env env, std::function<Settle()> work, std::function<void()> settled) {
  auto deferred = Napi::Promise::Deferred::New(env);
  // An Error made now holds the caller's stack; its frames become the rejection's stack.
  auto* trace = new Napi::ObjectReference(Napi::Persistent(Napi::Error::New(env, "").Value()));
  if (in_flight_++ == 0) tsfn_.Ref(env);
  auto job = [this, deferred, trace, settled, work = std::move(work), state = ThreadState::Capture()]() {
    std::function<void(Napi::Env)> finish;
    try {
      ThreadStateScope scope(state);
      Settle settle = work();
      finish = [deferred, settle, trace, settled](Napi::Env env) {
        Napi::HandleScope scope(env);
        if (settled) settled();
        try {
          deferred.Resolve(Guard(env, [&] { return settle(env); }));
        } catch (const Napi::Error& e) { deferred.Reject(e.Value()); }
        delete trace;
      };
    } catch (...) {  // never let an exception end the process from this thread
      JsErrorSpec spec = DescribeException(std::current_exception());
      finish = [deferred, spec, trace, settled](Napi::Env env) {
        Napi::HandleScope scope(env);
        if (settled) settled();
        deferred.Reject(RejectionFor(env, spec, trace));
        delete trace;
      };
    }
    tsfn_.NonBlockingCall(new Done{this, std::move(finish), true, nullptr});
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return deferred.Promise();
}

void Executor::OnMainThread(std::function<void()> fn) {
  if (OnMainThreadNow()) {
    fn();
    return;
  }
  tsfn_.NonBlockingCall(new Done{this, [fn](Napi::Env) { fn(); }, false, nullptr});
}

void Executor::RunOnMainThread(const std::function<void(Napi::Env)>& fn) {
  if (OnMainThreadNow()) {
    fn(env_);
    return;
  }
  auto wait = std::make_shared<Wait>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) throw std::runtime_error("torchvgg: the environment is shutting down");
    waits_.insert(wait);
  }
  auto run = [fn, wait](Napi::Env env) {
    Napi::HandleScope scope(env);
    try {
      fn(env);
      wait->Finish(false);
    } catch (const Napi::Error& e) { wait->Finish(true, DescribeJsError(e)); } catch (...) {
      wait->Finish(true, DescribeException(std::current_exception()));
    }
  };
  auto cancel = [wait] { wait->Finish(true, {JsErrorSpec::Error, "torchvgg: the environment is shutting down", ""}); };
  tsfn_.NonBlockingCall(new Done{this, run, false, cancel});
  {
    std::unique_lock<std::mutex> lock(wait->mu);
    wait->cv.wait(lock, [&] { return wait->done; });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    waits_.erase(wait);
  }
  if (wait->failed) throw JsThrown(wait->error);
}

}  // namespace tvgg
