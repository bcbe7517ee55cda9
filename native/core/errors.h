// C++ and libtorch exceptions -> JS errors, by one path for sync and async calls alike.
// Every binding runs its body through Guard; the executor converts a job's exception with the same
// DescribeException/MakeJsError pair, so forwardAsync rejects with exactly what forward throws.
#pragma once
#include <optional>
#include "pch.h"

namespace tvgg {

// Thrown by our own checks when the JS caller passed a bad value (becomes a TypeError/RangeError).
struct ArgError : std::runtime_error {
  enum Kind { Type, Range } kind;
  ArgError(Kind k, const std::string& m) : std::runtime_error(m), kind(k) {}
};

// Thrown when a module is used by async work and the caller tries to change it (see nn/busy.h).
struct BusyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// libtorch's allocation failure ("[enforce fail at alloc_cpu.cpp:75] ... you tried to allocate N bytes")
// said plainly, or nullopt for any other message.
std::optional<std::string> OutOfMemory(const std::string& message);

// libtorch's message without the trailing "Exception raised from ..." location and C++ backtrace.
std::string FirstLines(const char* msg);

// What an exception becomes in JS: its class, message and (for BusyError) code. Plain data, so it can
// be built on the executor thread and turned into a JS error later on the main thread.
struct JsErrorSpec {
  enum Class { Error, TypeError, RangeError } cls = Error;
  std::string message;
  std::string code;  // error.code, "" for none
};

// A JS error that crossed to another thread as data (a JS forward or hook that threw, called from the
// executor thread); it becomes a JS error of the same class and message again.
struct JsThrown : std::runtime_error {
  explicit JsThrown(JsErrorSpec s) : std::runtime_error(s.message), spec(std::move(s)) {}
  JsErrorSpec spec;
};

// [main thread] The class, message and code of a JS error.
JsErrorSpec DescribeJsError(const Napi::Error& e);
// [any thread] Describes the exception `e` (never throws).
JsErrorSpec DescribeException(std::exception_ptr e) noexcept;
// [main thread] The JS error for a spec.
Napi::Error MakeJsError(Napi::Env env, const JsErrorSpec& spec);

template <typename F>
Napi::Value Guard(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) { throw; } catch (...) {
    throw MakeJsError(env, DescribeException(std::current_exception()));
  }
}

// The attributes of every binding method: replaceable, so lib/native.ts can wrap each one (it applies the
// caller's async-context grad mode before the call).
constexpr napi_property_attributes kReplaceable =
    static_cast<napi_property_attributes>(napi_writable | napi_configurable);

// Inside a class: declares the binding `Name` as a guarded call of `NameImpl`, whose body follows.
#define TVGG_METHOD(Name)                                                                \
  Napi::Value Name(const Napi::CallbackInfo& info) {                                     \
    return ::tvgg::Guard(info.Env(), [&]() -> Napi::Value { return Name##Impl(info); }); \
  }                                                                                      \
  Napi::Value Name##Impl(const Napi::CallbackInfo& info)

// The same for a free function.
#define TVGG_FUNCTION(Name)                                                              \
  Napi::Value Name##Impl(const Napi::CallbackInfo& info);                                \
  Napi::Value Name(const Napi::CallbackInfo& info) {                                     \
    return ::tvgg::Guard(info.Env(), [&]() -> Napi::Value { return Name##Impl(info); }); \
  }                                                                                      \
  Napi::Value Name##Impl(const Napi::CallbackInfo& info)

}  // namespace tvgg
