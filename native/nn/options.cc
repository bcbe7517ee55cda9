// Options: reading layer arguments with defaults, JS conversion, and Python-style number printing.
#include "nn/options.h"
#include <charconv>

namespace tvgg {

std::string IntPair::Repr() const { return scalar ? std::to_string(a) : TupleRepr(); }
std::string IntPair::TupleRepr() const { return "(" + std::to_string(a) + ", " + std::to_string(b) + ")"; }

const Options::Value* Options::Find(const std::string& key) const {
  for (auto& [k, v] : items_)
    if (k == key) return std::holds_alternative<std::monostate>(v) ? nullptr : &v;
  return nullptr;
}

bool Options::Has(const std::string& key) const { return Find(key) != nullptr; }
bool Options::IsStr(const std::string& key) const {
  auto* v = Find(key);
  return v && std::holds_alternative<std::string>(*v);
}

namespace {
[[noreturn]] void Missing(const std::string& key) { throw ArgError(ArgError::Type, key + " is required"); }
[[noreturn]] void Wrong(const std::string& key, const char* what) {
  throw ArgError(ArgError::Type, key + " must be " + what);
}
}  // namespace

int64_t Options::Int(const std::string& key, std::optional<int64_t> fallback) const {
  auto* v = Find(key);
  if (!v) return fallback ? *fallback : (Missing(key), 0);
  if (auto* i = std::get_if<int64_t>(v)) return *i;
  if (auto* p = std::get_if<IntPair>(v); p && p->scalar) return p->a;
  Wrong(key, "an integer");
}

double Options::Num(const std::string& key, std::optional<double> fallback) const {
  auto* v = Find(key);
  if (!v) return fallback ? *fallback : (Missing(key), 0.0);
  if (auto* d = std::get_if<double>(v)) return *d;
  if (auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (auto* p = std::get_if<IntPair>(v); p && p->scalar) return static_cast<double>(p->a);
  Wrong(key, "a number");
}

bool Options::Bool(const std::string& key, std::optional<bool> fallback) const {
  auto* v = Find(key);
  if (!v) return fallback ? *fallback : (Missing(key), false);
  if (auto* b = std::get_if<bool>(v)) return *b;
  Wrong(key, "a boolean");
}

std::string Options::Str(const std::string& key, std::optional<std::string> fallback) const {
  auto* v = Find(key);
  if (!v) return fallback ? *fallback : (Missing(key), std::string());
  if (auto* s = std::get_if<std::string>(v)) return *s;
  Wrong(key, "a string");
}

IntPair Options::Pair(const std::string& key, std::optional<IntPair> fallback) const {
  auto* v = Find(key);
  if (!v) return fallback ? *fallback : (Missing(key), IntPair());
  if (auto* p = std::get_if<IntPair>(v)) return *p;
  if (auto* i = std::get_if<int64_t>(v)) return IntPair::Of(*i);
  Wrong(key, "an integer or a pair of integers");
}

Options& Options::Set(const std::string& key, Value v) {
  for (auto& [k, old] : items_)
    if (k == key) {
      old = std::move(v);
      return *this;
    }
  items_.emplace_back(key, std::move(v));
  return *this;
}

namespace {
int64_t ExactInt(const Napi::Value& v, const std::string& key) {
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9.0e15) Wrong(key, "an integer");
  return static_cast<int64_t>(d);
}
}  // namespace

Options Options::FromJs(const Napi::Value& value) {
  Options o;
  if (value.IsUndefined() || value.IsNull()) return o;
  if (!value.IsObject() || value.IsArray()) throw ArgError(ArgError::Type, "layer options must be an object");
  auto obj = value.As<Napi::Object>();
  auto keys = obj.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string key = keys.Get(i).ToString();
    Napi::Value v = obj.Get(key);
    if (v.IsUndefined() || v.IsNull()) o.Set(key, std::monostate{});
    else if (v.IsBoolean()) o.Set(key, v.As<Napi::Boolean>().Value());
    else if (v.IsString()) o.Set(key, v.As<Napi::String>().Utf8Value());
    else if (v.IsNumber()) {
      double d = v.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15)
        o.Set(key, IntPair::Of(static_cast<int64_t>(d)));
      else o.Set(key, d);
    } else if (v.IsArray() && v.As<Napi::Array>().Length() == 2) {
      auto arr = v.As<Napi::Array>();
      Napi::Value a = arr.Get(0u), b = arr.Get(1u);
      if (!a.IsNumber() || !b.IsNumber()) Wrong(key, "an integer or a pair of integers");
      o.Set(key, IntPair{ExactInt(a, key), ExactInt(b, key), false});
    } else {
      Wrong(key, "a number, a boolean, a string or a pair of integers");
    }
  }
  return o;
}

Napi::Object Options::ToJs(Napi::Env env) const {
  auto obj = Napi::Object::New(env);
  for (auto& [key, v] : items_) {
    if (std::holds_alternative<std::monostate>(v)) obj.Set(key, env.Null());
    else if (auto* b = std::get_if<bool>(&v)) obj.Set(key, *b);
    else if (auto* i = std::get_if<int64_t>(&v)) obj.Set(key, static_cast<double>(*i));
    else if (auto* d = std::get_if<double>(&v)) obj.Set(key, *d);
    else if (auto* s = std::get_if<std::string>(&v)) obj.Set(key, *s);
    else if (auto* p = std::get_if<IntPair>(&v)) {
      if (p->scalar) {
        obj.Set(key, static_cast<double>(p->a));
      } else {
        auto arr = Napi::Array::New(env, 2);
        arr.Set(0u, static_cast<double>(p->a));
        arr.Set(1u, static_cast<double>(p->b));
        obj.Set(key, arr);
      }
    }
  }
  return obj;
}

std::string PyFloat(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  // Shortest round-trip digits in scientific form: d[.ddd]e±XX
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  auto e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  bool neg = mant[0] == '-';
  if (neg) mant = mant.substr(1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out;
  if (exp < -4 || exp >= 16) {  // Python's repr switches to exponent form outside [1e-4, 1e16)
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += eb;
  } else if (exp < 0) {
    out = "0." + std::string(-exp - 1, '0') + digits;
  } else if (digits.size() <= static_cast<size_t>(exp) + 1) {
    out = digits + std::string(exp + 1 - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
  }
  return neg ? "-" + out : out;
}

std::string PyBool(bool v) { return v ? "True" : "False"; }

}  // namespace tvgg
