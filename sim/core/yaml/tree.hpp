#pragma once
/// @file
/// @brief A YAML document as a plain tree in which every node and key knows its file, line
/// and column, built by a parser that is safe on hostile input.
///
/// yaml-cpp's own node API loses key positions, accepts duplicate keys silently and shares
/// aliased nodes (so a walk of an alias bomb explodes). This tree is built from yaml-cpp's
/// event stream instead: duplicate keys are reported, anchors, aliases and tags are refused
/// (composition is done with `base:`), nesting is capped, and the input is size-checked,
/// UTF-8-checked and refused when binary before the parser sees it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"

namespace azsim::yaml {

enum class Kind { null, scalar, sequence, map };

/// @brief Human name of a kind, for messages: "a mapping", "a list", ...
[[nodiscard]] const char* describe(Kind kind) noexcept;

/// @brief One node of a document. Maps keep their keys in file order.
struct Node {
  Kind kind = Kind::null;
  Mark mark;                 ///< where the node starts
  std::string scalar;        ///< text of a scalar
  bool quoted = false;       ///< scalar was quoted (so "3" is a string, not a number)
  std::vector<Node> items;   ///< sequence items, or map values
  std::vector<Node> keys;    ///< map keys (scalars), parallel to items

  [[nodiscard]] bool is_null() const noexcept { return kind == Kind::null; }
  [[nodiscard]] bool is_scalar() const noexcept { return kind == Kind::scalar; }
  [[nodiscard]] bool is_sequence() const noexcept { return kind == Kind::sequence; }
  [[nodiscard]] bool is_map() const noexcept { return kind == Kind::map; }

  /// @brief The value under `key` in a map, or nullptr.
  [[nodiscard]] const Node* find(std::string_view key) const noexcept;
  [[nodiscard]] Node* find(std::string_view key) noexcept;
  /// @brief The key node of `key` in a map, or nullptr.
  [[nodiscard]] const Node* find_key(std::string_view key) const noexcept;

  /// @brief Sets `key` to `value` (replacing, or appending a new key).
  void set(std::string key, Node value);
  /// @brief Sets a key given as a node, keeping the key's own position (for messages).
  void set(Node key, Node value);
  /// @brief Removes `key` from a map; false when it was not there.
  bool erase(std::string_view key);

  [[nodiscard]] static Node make_scalar(std::string text, Mark mark, bool quoted = false);
  [[nodiscard]] static Node make_map(Mark mark);
  [[nodiscard]] static Node make_sequence(Mark mark);
};

/// @brief Limits that keep parsing bounded on hostile input.
struct ParseLimits {
  std::size_t max_bytes = 4u << 20;  ///< 4 MiB: the historical scenario is ~100 KiB
  int max_depth = 64;                ///< nesting of maps and lists
  std::size_t max_nodes = 1'000'000; ///< total nodes in one document
};

/// @brief The result of parsing: a tree, or the diagnostics that say why not. Duplicate keys
/// are reported in `diagnostics` while the tree is still returned (first value kept).
struct ParseResult {
  Node root;
  Diagnostics diagnostics;
  bool fatal = false;  ///< the tree is unusable (malformed YAML, binary, too deep, ...)
};

/// @brief Parses text that came from `file` (used in marks and messages).
[[nodiscard]] ParseResult parse_text(std::string_view text, const std::string& file,
                                     const ParseLimits& limits = {});

/// @brief Reads and parses a file: a regular file of at most `limits.max_bytes` (a device, a
/// pipe or a larger file is a fatal diagnostic; never more than the limit is read). A missing
/// file or a folder is a UsageError; a file that cannot be opened an IoError, with the path.
/// @param bytes when not null, receives the bytes read (for their sha256).
[[nodiscard]] ParseResult parse_file(const std::string& path, const ParseLimits& limits = {},
                                     std::string* bytes = nullptr);

}  // namespace azsim::yaml
