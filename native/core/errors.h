// C++ and libtorch exceptions -> JS errors.
// Every binding runs its body through Guard, so a libtorch failure surfaces as a JS Error carrying
// PyTorch's own message (without the C++ backtrace) instead of aborting the process.
#pragma once
#include "pch.h"

namespace tvgg {

// Thrown by our own checks when the JS caller passed a bad value (becomes a TypeError/RangeError).
struct ArgError : std::runtime_error {
  enum Kind { Type, Range } kind;
  ArgError(Kind k, const std::string& m) : std::runtime_error(m), kind(k) {}
};

inline std::string FirstLines(const char* msg) {
  // libtorch messages may carry a trailing "Exception raised from ..." location; keep what precedes it.
  std::string s(msg);
  auto at = s.find("\nException raised from");
  if (at != std::string::npos) s.resize(at);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

template <typename F>
Napi::Value Guard(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const ArgError& e) {
    if (e.kind == ArgError::Type) throw Napi::TypeError::New(env, e.what());
    throw Napi::RangeError::New(env, e.what());
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, FirstLines(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

// Inside a class: declares the binding `Name` as a guarded call of `NameImpl`, whose body follows.
#define TVGG_METHOD(Name)                                                                    \
  Napi::Value Name(const Napi::CallbackInfo& info) {                                         \
    return ::tvgg::Guard(info.Env(), [&]() -> Napi::Value { return Name##Impl(info); });     \
  }                                                                                          \
  Napi::Value Name##Impl(const Napi::CallbackInfo& info)

// The same for a free function.
#define TVGG_FUNCTION(Name)                                                                  \
  Napi::Value Name##Impl(const Napi::CallbackInfo& info);                                    \
  Napi::Value Name(const Napi::CallbackInfo& info) {                                         \
    return ::tvgg::Guard(info.Env(), [&]() -> Napi::Value { return Name##Impl(info); });     \
  }                                                                                          \
  Napi::Value Name##Impl(const Napi::CallbackInfo& info)

}  // namespace tvgg
