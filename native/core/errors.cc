// The one path from a C++ or libtorch exception to a JS error (class, message, code).
#include "core/errors.h"

namespace tvgg {

std::string FirstLines(const char* msg) {
  std::string s(msg);
  auto at = s.find("\nException raised from");
  if (at != std::string::npos) s.resize(at);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::optional<std::string> OutOfMemory(const std::string& message) {
  // "[enforce fail at alloc_cpu.cpp:75] ... can't allocate memory: you tried to allocate N bytes ..."
  static const std::string marker = "you tried to allocate ";
  auto at = message.find(marker);
  if (at == std::string::npos) return std::nullopt;
  uint64_t bytes = std::strtoull(message.c_str() + at + marker.size(), nullptr, 10);
  char gib[32];
  std::snprintf(gib, sizeof gib, "%.1f", static_cast<double>(bytes) / (1ull << 30));
  return "out of memory: cannot allocate " + std::to_string(bytes) + " bytes (" + gib + " GiB)";
}

JsErrorSpec DescribeException(std::exception_ptr e) noexcept {
  try {
    try {
      std::rethrow_exception(e);
    } catch (const ArgError& err) {
      return {err.kind == ArgError::Type ? JsErrorSpec::TypeError : JsErrorSpec::RangeError, err.what(), ""};
    } catch (const BusyError& err) {
      return {JsErrorSpec::Error, err.what(), "ERR_TORCHVGG_MODULE_BUSY"};
    } catch (const JsThrown& err) { return err.spec; } catch (const c10::IndexError& err) {
      return {JsErrorSpec::RangeError, FirstLines(err.what_without_backtrace()), ""};
    } catch (const c10::TypeError& err) {
      return {JsErrorSpec::TypeError, FirstLines(err.what_without_backtrace()), ""};
    } catch (const c10::OutOfMemoryError& err) {
      // CUDA's caching allocator: "CUDA out of memory. Tried to allocate 16.00 GiB. GPU 0 has ...".
      std::string message = FirstLines(err.what_without_backtrace());
      auto cpu = OutOfMemory(message);
      return {JsErrorSpec::RangeError, cpu ? *cpu : "out of memory: " + message, "ERR_TORCHVGG_OUT_OF_MEMORY"};
    } catch (const c10::Error& err) {
      std::string message = FirstLines(err.what_without_backtrace());
      if (auto oom = OutOfMemory(message)) return {JsErrorSpec::RangeError, *oom, "ERR_TORCHVGG_OUT_OF_MEMORY"};
      return {JsErrorSpec::Error, message, ""};
    } catch (const std::bad_alloc&) {
      return {JsErrorSpec::RangeError, "out of memory: the operation needs more memory than can be allocated", ""};
    } catch (const std::exception& err) { return {JsErrorSpec::Error, err.what(), ""}; } catch (...) {
      return {JsErrorSpec::Error, "torchvgg: unknown native error", ""};
    }
  } catch (...) {  // building the message itself failed (e.g. out of memory)
    return {JsErrorSpec::Error, "torchvgg: native error", ""};
  }
}

JsErrorSpec DescribeJsError(const Napi::Error& e) {
  JsErrorSpec spec{JsErrorSpec::Error, e.Message(), ""};
  Napi::Value v = e.Value();
  if (v.IsObject()) {
    Napi::Value name = v.As<Napi::Object>().Get("name");
    std::string n = name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
    if (n == "TypeError") spec.cls = JsErrorSpec::TypeError;
    if (n == "RangeError") spec.cls = JsErrorSpec::RangeError;
    Napi::Value code = v.As<Napi::Object>().Get("code");
    if (code.IsString()) spec.code = code.As<Napi::String>().Utf8Value();
  }
  return spec;
}

Napi::Error MakeJsError(Napi::Env env, const JsErrorSpec& spec) {
  Napi::Error error = spec.cls == JsErrorSpec::TypeError    ? Napi::TypeError::New(env, spec.message)
                      : spec.cls == JsErrorSpec::RangeError ? Napi::RangeError::New(env, spec.message)
                                                            : Napi::Error::New(env, spec.message);
  if (!spec.code.empty()) error.Set("code", Napi::String::New(env, spec.code));
  return error;
}

}  // namespace tvgg
