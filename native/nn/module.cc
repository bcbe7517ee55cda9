#include "nn/module.h"
#include <charconv>
#include <sstream>

namespace tvgg {

namespace {
std::atomic<uint64_t> next_id{1};

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// torch.nn.modules.module._addindent
std::string AddIndent(const std::string& s, size_t spaces) {
  auto lines = SplitLines(s);
  if (lines.size() <= 1) return s;
  std::string out = lines[0];
  for (size_t i = 1; i < lines.size(); i++) out += "\n" + std::string(spaces, ' ') + lines[i];
  return out;
}
}  // namespace

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
  } else {
    if (digits.size() <= static_cast<size_t>(exp) + 1) {
      out = digits + std::string(exp + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
    }
  }
  return neg ? "-" + out : out;
}

std::string PyBool(bool v) { return v ? "True" : "False"; }

Module::Module(std::string type_name) : type_name_(std::move(type_name)), id_(next_id++) {}

std::string Module::Repr() const {
  std::vector<std::string> extra_lines;
  std::string extra = ExtraRepr();
  if (!extra.empty()) extra_lines = SplitLines(extra);
  std::vector<std::string> child_lines;
  for (auto& [key, child] : Children()) child_lines.push_back("(" + key + "): " + AddIndent(child->Repr(), 2));
  std::string out = type_name_ + "(";
  if (!extra_lines.empty() || !child_lines.empty()) {
    if (extra_lines.size() == 1 && child_lines.empty()) {
      out += extra_lines[0];
    } else {
      out += "\n";
      for (auto* lines : {&extra_lines, &child_lines})
        for (auto& l : *lines) out += "  " + l + "\n";
    }
  }
  return out + ")";
}

Module::Named Module::Children() const {
  std::lock_guard<std::mutex> lock(mu_);
  return children_;
}

Module::Ptr Module::Child(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [k, c] : children_)
    if (k == key) return c;
  return nullptr;
}

void Module::SetChild(const std::string& key, Ptr child) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [k, c] : children_)
    if (k == key) {
      c = std::move(child);
      return;
    }
  children_.emplace_back(key, std::move(child));
}

void Module::Renumber() {
  for (size_t i = 0; i < children_.size(); i++) children_[i].first = std::to_string(i);
}

void Module::EraseChildAt(size_t pos) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pos >= children_.size()) throw ArgError(ArgError::Range, "index " + std::to_string(pos) + " is out of range");
  children_.erase(children_.begin() + pos);
  Renumber();
}

void Module::InsertChildAt(size_t pos, Ptr child) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pos > children_.size()) throw ArgError(ArgError::Range, "index " + std::to_string(pos) + " is out of range");
  children_.insert(children_.begin() + pos, {"", std::move(child)});
  Renumber();
}

void Module::ReplaceChildAt(size_t pos, Ptr child) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pos >= children_.size()) throw ArgError(ArgError::Range, "index " + std::to_string(pos) + " is out of range");
  children_[pos].second = std::move(child);
}

void Module::Train(bool mode) {
  training_ = mode;
  for (auto& [key, child] : Children()) child->Train(mode);
}

at::Tensor& Module::AddParameter(std::string name, at::Tensor t) {
  t.set_requires_grad(true);
  params_.emplace_back(std::move(name), std::move(t));
  return params_.back().second;
}

at::Tensor& Module::AddBuffer(std::string name, at::Tensor t) {
  buffers_.emplace_back(std::move(name), std::move(t));
  return buffers_.back().second;
}

}  // namespace tvgg
