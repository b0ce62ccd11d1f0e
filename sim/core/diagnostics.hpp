#pragma once
/// @file
/// @brief Source positions and the error messages that point at them.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace azsim {

/// @brief A position in a source file: 1-based line and column (0 when unknown).
struct Mark {
  std::shared_ptr<const std::string> file;  ///< path as the user gave it, or "<--set>"
  int line = 0;
  int column = 0;

  [[nodiscard]] std::string to_string() const;  ///< "file:line:col" (parts that are known)
};

/// @brief One problem found in an input: where, the key path, and what was expected and found.
struct Diagnostic {
  Mark mark;
  std::string path;     ///< e.g. "factions[2].pay_cfa_per_day"; empty for file-level problems
  std::string message;  ///< e.g. "must be >= 0 (got -3)"

  /// @brief "file:line:col: path: message".
  [[nodiscard]] std::string to_string() const;
};

/// @brief An ordered collection of diagnostics with a cap, so a hostile file cannot make
/// millions of them. Past the cap one final note says how many were dropped.
class Diagnostics {
 public:
  static constexpr std::size_t kDefaultLimit = 50;

  explicit Diagnostics(std::size_t limit = kDefaultLimit) : limit_(limit) {}

  void add(Diagnostic d);
  void add(const Mark& mark, std::string path, std::string message) {
    add(Diagnostic{mark, std::move(path), std::move(message)});
  }
  void append(const Diagnostics& other);

  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] std::size_t dropped() const noexcept { return dropped_; }
  [[nodiscard]] bool full() const noexcept { return items_.size() >= limit_; }
  [[nodiscard]] const std::vector<Diagnostic>& items() const noexcept { return items_; }
  [[nodiscard]] const Diagnostic& front() const { return items_.front(); }

  /// @brief One diagnostic per line, plus a line for any dropped ones.
  [[nodiscard]] std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t limit_;
  std::size_t dropped_ = 0;
};

}  // namespace azsim
