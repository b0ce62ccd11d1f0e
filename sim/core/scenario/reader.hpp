#pragma once
/// @file
/// @brief Typed, error-collecting reading of a YAML tree: the building blocks of every model's
/// schema. Each read either returns a value or records a diagnostic naming file, line,
/// column, key path, what was expected and what was found; reading goes on after an error,
/// so one pass reports every problem in a file.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/diagnostics.hpp"
#include "core/yaml/tree.hpp"

namespace azsim::schema {

using yaml::Node;

/// @brief Allowed range of a number; a missing side is unbounded.
struct Bounds {
  std::optional<double> min, max;
  bool min_exclusive = false, max_exclusive = false;

  [[nodiscard]] static Bounds at_least(double v) { return {v, std::nullopt, false, false}; }
  [[nodiscard]] static Bounds above(double v) { return {v, std::nullopt, true, false}; }
  [[nodiscard]] static Bounds between(double lo, double hi) { return {lo, hi, false, false}; }
  [[nodiscard]] static Bounds share() { return between(0.0, 1.0); }
  [[nodiscard]] bool contains(double v) const noexcept;
  /// @brief The rule `value` breaks: "must be >= 0", "must be <= 1e+09"; both sides when
  /// the range is a closed interval of ordinary size ("must be between 0 and 1").
  [[nodiscard]] std::string describe(double value) const;
};

/// @brief Collects diagnostics while reading; shared by every view of one document.
class Reader {
 public:
  explicit Reader(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void error(const Mark& mark, const std::string& path, std::string message) {
    diagnostics_.add(mark, path, std::move(message));
  }
  void error(const Node& node, const std::string& path, std::string message) {
    error(node.mark, path, std::move(message));
  }
  [[nodiscard]] Diagnostics& diagnostics() noexcept { return diagnostics_; }
  /// @brief " (did you mean 'X'?)", or "" once the diagnostics are full: a hostile file with
  /// thousands of unknown names among thousands of ids must not cost their product.
  [[nodiscard]] std::string suggest(std::string_view word, std::span<const std::string> candidates) const;
  [[nodiscard]] bool failed() const noexcept { return !diagnostics_.empty(); }

  /// @brief Records "expected X, got Y" unless the node has the kind.
  bool expect(const Node& node, const std::string& path, yaml::Kind kind, std::string_view what);

  [[nodiscard]] std::optional<double> number(const Node& node, const std::string& path,
                                             const Bounds& bounds = {});
  [[nodiscard]] std::optional<std::int64_t> integer(const Node& node, const std::string& path,
                                                    std::int64_t min, std::int64_t max);
  [[nodiscard]] std::optional<std::string> string(const Node& node, const std::string& path);
  /// @brief An identifier: [A-Za-z][A-Za-z0-9_]*, at most 64 characters.
  [[nodiscard]] std::optional<std::string> id(const Node& node, const std::string& path);
  [[nodiscard]] std::optional<bool> boolean(const Node& node, const std::string& path);
  [[nodiscard]] std::optional<Date> date(const Node& node, const std::string& path);
  /// @brief One of a fixed set of words.
  [[nodiscard]] std::optional<std::string> choice(const Node& node, const std::string& path,
                                                  std::span<const std::string_view> options);
  /// @brief A string or a list of strings (citations and the like).
  [[nodiscard]] std::vector<std::string> strings(const Node& node, const std::string& path);

 private:
  /// The scalar text of a node that must be an unquoted value, or nullopt after an error.
  std::optional<std::string_view> plain(const Node& node, const std::string& path,
                                        std::string_view what);
  Diagnostics& diagnostics_;
};

/// @brief A view of one mapping: typed reads by key, and on `finish()` a diagnostic for every
/// key that was never asked for ("unknown key 'x' (did you mean 'y'?)").
class MapReader {
 public:
  /// @brief Records an error (and is not ok()) when `node` is not a mapping.
  MapReader(Reader& reader, const Node& node, std::string path, std::string_view what = "a mapping");

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] const Node& node() const noexcept { return node_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string path(std::string_view key) const;
  [[nodiscard]] Reader& reader() noexcept { return reader_; }

  /// @brief Declares `key` known; returns its value or nullptr.
  const Node* optional(std::string_view key);
  /// @brief Declares `key` known; records "missing required key" at the parent when absent.
  const Node* required(std::string_view key, std::string_view what);
  /// @brief Declares keys known without reading them.
  void allow(std::initializer_list<std::string_view> keys);

  // Typed shortcuts: with `required`, a missing key is an error; otherwise nullopt.
  std::optional<double> number(std::string_view key, const Bounds& b, bool required = true);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = true);
  std::optional<std::string> string(std::string_view key, bool required = true);
  std::optional<std::string> id(std::string_view key, bool required = true);
  std::optional<bool> boolean(std::string_view key, bool required = true);
  std::optional<Date> date(std::string_view key, bool required = true);
  std::optional<std::string> choice(std::string_view key, std::span<const std::string_view> options,
                                    bool required = true);
  std::vector<std::string> strings(std::string_view key);

  /// @brief Reports every key of the mapping that no read declared. Call once, at the end.
  void finish();

 private:
  Reader& reader_;
  const Node& node_;
  std::string path_;
  bool ok_;
  std::vector<std::string> known_;
};

/// @brief Calls `fn(item, path)` for each item of a list; records an error when `node` is not
/// a list. Paths read "name[i]".
template <typename Fn>
void for_each_item(Reader& reader, const Node& node, const std::string& path, Fn&& fn) {
  if (!reader.expect(node, path, yaml::Kind::sequence, "a list")) return;
  for (std::size_t i = 0; i < node.items.size(); ++i)
    fn(node.items[i], path + "[" + std::to_string(i) + "]");
}

/// @brief Joins a path and a key: "a.b" (or "b" when the path is empty).
[[nodiscard]] std::string join(const std::string& path, std::string_view key);

}  // namespace azsim::schema
