#pragma once
/// @file
/// @brief A plain binary encoding for resume state: fixed-width little-endian integers and
/// doubles, length-prefixed strings and arrays. The reader checks every length against what
/// is left, so a truncated or corrupt file is an IoError, never a crash.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace azsim::io {

class BinaryWriter {
 public:
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    raw(s.data(), s.size());
  }
  template <typename T>
  void array(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    u64(v.size());
    raw(v.data(), v.size() * sizeof(T));
  }
  void strings(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
  }
  [[nodiscard]] const std::string& bytes() const noexcept { return out_; }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class BinaryReader {
 public:
  BinaryReader(std::string_view bytes, std::string name) : in_(bytes), name_(std::move(name)) {}
  std::uint64_t u64() {
    std::uint64_t v;
    raw(&v, sizeof v);
    return v;
  }
  double f64() {
    double v;
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint64_t n = length(1);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  std::vector<T> array() {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::uint64_t n = length(sizeof(T));
    std::vector<T> v(n);
    raw(v.data(), n * sizeof(T));
    return v;
  }
  std::vector<std::string> strings() {
    const std::uint64_t n = length(sizeof(std::uint64_t));
    std::vector<std::string> v;
    v.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) v.push_back(str());
    return v;
  }
  [[nodiscard]] bool done() const noexcept { return pos_ == in_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw IoError(name_ + ": " + what + " (the file is damaged or from another azsim version)");
  }

 private:
  /// @brief Reads a count of items of `item` bytes each, checked against what is left.
  std::uint64_t length(std::size_t item) {
    const std::uint64_t n = u64();
    if (item != 0 && n > (in_.size() - pos_) / item) fail("a length runs past the end");
    return n;
  }
  void raw(void* p, std::size_t n) {
    if (n > in_.size() - pos_) fail("unexpected end of file");
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string name_;
};

}  // namespace azsim::io
