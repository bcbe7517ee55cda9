// A layer's constructor arguments as named values: what the registry builds a layer from and what a
// layer reports back (Config), so creating, printing, copying and JS getters share one description.
#pragma once
#include <optional>
#include <variant>
#include "pch.h"
#include "core/errors.h"

namespace tvgg {

// An int-or-pair argument, remembered as given because PyTorch prints it as given (2 vs (2, 2)).
struct IntPair {
  int64_t a = 0, b = 0;
  bool scalar = true;
  static IntPair Of(int64_t v) { return {v, v, true}; }
  IntPair AsTuple() const { return {a, b, false}; }  // what _pair() stores
  std::vector<int64_t> Vec() const { return {a, b}; }
  std::string Repr() const;
  std::string TupleRepr() const;  // always "(a, b)"
};

class Options {
 public:
  using Value = std::variant<std::monostate, bool, int64_t, double, std::string, IntPair>;

  // Each getter returns the value under `key`, or `fallback` when the key is absent or undefined; with
  // no fallback the key is required. A value of the wrong kind is a TypeError naming the key.
  int64_t Int(const std::string& key, std::optional<int64_t> fallback = std::nullopt) const;
  double Num(const std::string& key, std::optional<double> fallback = std::nullopt) const;
  bool Bool(const std::string& key, std::optional<bool> fallback = std::nullopt) const;
  std::string Str(const std::string& key, std::optional<std::string> fallback = std::nullopt) const;
  IntPair Pair(const std::string& key, std::optional<IntPair> fallback = std::nullopt) const;
  bool Has(const std::string& key) const;  // present and not None
  bool IsStr(const std::string& key) const;

  Options& Set(const std::string& key, Value v);
  const std::vector<std::pair<std::string, Value>>& Items() const { return items_; }

  // [main thread] From a JS object (numbers, booleans, strings, [a, b] pairs, null); to a JS object.
  static Options FromJs(const Napi::Value& v);
  Napi::Object ToJs(Napi::Env env) const;

 private:
  const Value* Find(const std::string& key) const;
  std::vector<std::pair<std::string, Value>> items_;
};

// Python's repr() of a float (shortest round trip; 0.5, 1e-05, 0.0001, 2.0) and of a bool.
std::string PyFloat(double v);
std::string PyBool(bool v);

}  // namespace tvgg
