#include "core/yaml/tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "core/error.hpp"

namespace azsim::yaml {

const char* describe(Kind kind) noexcept {
  switch (kind) {
    case Kind::null: return "nothing (null)";
    case Kind::scalar: return "a single value";
    case Kind::sequence: return "a list";
    case Kind::map: return "a mapping";
  }
  return "?";
}

const Node* Node::find(std::string_view key) const noexcept {
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i].scalar == key) return &items[i];
  return nullptr;
}

Node* Node::find(std::string_view key) noexcept {
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i].scalar == key) return &items[i];
  return nullptr;
}

const Node* Node::find_key(std::string_view key) const noexcept {
  for (const auto& k : keys)
    if (k.scalar == key) return &k;
  return nullptr;
}

void Node::set(std::string key, Node value) {
  Mark m = value.mark;
  set(make_scalar(std::move(key), std::move(m)), std::move(value));
}

void Node::set(Node key, Node value) {
  if (Node* existing = find(key.scalar)) {
    *existing = std::move(value);
    return;
  }
  keys.push_back(std::move(key));
  items.push_back(std::move(value));
}

bool Node::erase(std::string_view key) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].scalar == key) {
      keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(i));
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

Node Node::make_scalar(std::string text, Mark mark, bool quoted) {
  Node n;
  n.kind = Kind::scalar;
  n.mark = std::move(mark);
  n.scalar = std::move(text);
  n.quoted = quoted;
  return n;
}

Node Node::make_map(Mark mark) {
  Node n;
  n.kind = Kind::map;
  n.mark = std::move(mark);
  return n;
}

Node Node::make_sequence(Mark mark) {
  Node n;
  n.kind = Kind::sequence;
  n.mark = std::move(mark);
  return n;
}

namespace {

/// Thrown inside the event handler to stop parsing at the first fatal problem.
struct Fatal {
  Mark mark;
  std::string message;
};

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const std::string> file, const ParseLimits& limits,
              Diagnostics& diagnostics)
      : file_(std::move(file)), limits_(limits), diagnostics_(diagnostics) {}

  [[nodiscard]] bool has_root() const noexcept { return has_root_; }
  [[nodiscard]] Node take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    refuse_anchor(mark, anchor);
    Node n;
    n.kind = Kind::null;
    n.mark = to_mark(mark);
    add(std::move(n));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw Fatal{to_mark(mark),
                "YAML aliases (*name) are not supported: write the value out, or share a "
                "whole scenario with 'base:'"};
  }

  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    throw Fatal{to_mark(mark), "YAML anchors (&" + name +
                                   ") are not supported: share a whole scenario with 'base:'"};
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    add(Node::make_scalar(value, to_mark(mark), tag == "!"));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    open(Node::make_sequence(to_mark(mark)));
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag);
    open(Node::make_map(to_mark(mark)));
  }
  void OnMapEnd() override { close(); }

  [[nodiscard]] Mark to_mark(const YAML::Mark& m) const {
    return Mark{file_, m.line + 1, m.column + 1};
  }

 private:
  struct Frame {
    Node node;
    bool have_key = false;
    Node key;
    /// A map's keys so far, to their index: duplicate checks in O(1), so a hostile map with
    /// hundreds of thousands of keys parses in linear time.
    std::unordered_map<std::string, std::size_t> seen;
  };

  void refuse_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor)
      throw Fatal{to_mark(mark), "YAML anchors are not supported: share a whole scenario with 'base:'"};
  }

  void refuse_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    // yaml-cpp expands the secondary handle; show the tag as the user wrote it.
    constexpr std::string_view kCore = "tag:yaml.org,2002:";
    std::string shown = tag.rfind(kCore, 0) == 0 ? "!!" + tag.substr(kCore.size()) : tag;
    throw Fatal{to_mark(mark), "YAML tags (" + shown + ") are not supported: write plain values"};
  }

  void count(const Mark& mark) {
    if (++nodes_ > limits_.max_nodes)
      throw Fatal{mark, "the document has more than " + std::to_string(limits_.max_nodes) +
                            " values, the most a scenario may have"};
  }

  void open(Node node) {
    count(node.mark);
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      throw Fatal{node.mark, "nested deeper than " + std::to_string(limits_.max_depth) +
                                 " levels, the most a scenario may have"};
    stack_.push_back(Frame{std::move(node), false, Node{}, {}});
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.node.is_map() && frame.have_key)
      throw Fatal{frame.key.mark, "a key without a value"};  // cannot happen with valid events
    add(std::move(frame.node), /*counted=*/true);
  }

  void add(Node node, bool counted = false) {
    if (!counted) count(node.mark);
    if (stack_.empty()) {
      if (has_root_) throw Fatal{node.mark, "more than one YAML document in the file"};
      root_ = std::move(node);
      has_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    if (top.node.is_sequence()) {
      top.node.items.push_back(std::move(node));
      return;
    }
    if (!top.have_key) {
      if (!node.is_scalar())
        throw Fatal{node.mark, std::string("a mapping key must be a plain name, got ") +
                                   describe(node.kind)};
      if (const auto it = top.seen.find(node.scalar); it != top.seen.end()) {
        const Node* first = &top.node.keys[it->second];
        diagnostics_.add(node.mark, "",
                         "duplicate key '" + node.scalar + "' (first at line " +
                             std::to_string(first->mark.line) + ", column " +
                             std::to_string(first->mark.column) + ")");
        top.key = Node::make_scalar("\x01duplicate", node.mark);  // value is dropped below
      } else {
        top.key = std::move(node);
      }
      top.have_key = true;
      return;
    }
    if (top.key.scalar != "\x01duplicate") {
      top.seen.emplace(top.key.scalar, top.node.keys.size());
      top.node.keys.push_back(std::move(top.key));
      top.node.items.push_back(std::move(node));
    }
    top.have_key = false;
    top.key = Node{};
  }

  std::shared_ptr<const std::string> file_;
  ParseLimits limits_;
  Diagnostics& diagnostics_;
  std::vector<Frame> stack_;
  Node root_;
  bool has_root_ = false;
  std::size_t nodes_ = 0;
};

/// Line and column (1-based) of byte offset `pos` in `text`.
Mark mark_at(std::string_view text, std::size_t pos, std::shared_ptr<const std::string> file) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return Mark{std::move(file), line, column};
}

/// Offset of the first byte that breaks UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
                          (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

/// Offset of the first tab in the leading whitespace of lines 1..last_line, if any.
std::optional<std::size_t> first_indent_tab(std::string_view text, std::size_t last_line) {
  std::size_t line = 1;
  bool leading = true;
  for (std::size_t i = 0; i < text.size() && line <= last_line; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      leading = true;
    } else if (leading && c == '\t') {
      return i;
    } else if (c != ' ' && c != '\r') {
      leading = false;
    }
  }
  return std::nullopt;
}

std::string clean_parser_message(std::string msg) {
  // yaml-cpp prefixes "yaml-cpp: error at line X, column Y: "; we print our own position.
  if (auto p = msg.find(": "); msg.rfind("yaml-cpp:", 0) == 0 && p != std::string::npos) {
    auto q = msg.find(": ", p + 2);
    if (q != std::string::npos) msg = msg.substr(q + 2);
  }
  return msg;
}

}  // namespace

ParseResult parse_text(std::string_view text, const std::string& file, const ParseLimits& limits) {
  ParseResult result;
  auto file_ptr = std::make_shared<const std::string>(file);
  auto fail = [&](Mark mark, std::string message) {
    result.diagnostics.add(std::move(mark), "", std::move(message));
    result.fatal = true;
    return std::move(result);
  };

  if (text.size() > limits.max_bytes)
    return fail(Mark{file_ptr, 0, 0}, "file is " + std::to_string(text.size()) +
                                          " bytes; a scenario may be at most " +
                                          std::to_string(limits.max_bytes) + " bytes");
  if (auto nul = text.find('\0'); nul != std::string_view::npos)
    return fail(mark_at(text, nul, file_ptr),
                "this is a binary file (it contains a NUL byte), not a YAML scenario");
  if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    return fail(mark_at(text, bad, file_ptr),
                std::string("invalid UTF-8 (byte ") + hex + "): scenarios must be UTF-8 text");
  }

  // Line ends: LF or CRLF (Windows editors) are read alike; a lone CR (classic Mac OS) would
  // make yaml-cpp see one long line, and a confusing message.
  for (std::size_t cr = text.find('\r'); cr != std::string_view::npos; cr = text.find('\r', cr + 1))
    if (cr + 1 == text.size() || text[cr + 1] != '\n')
      return fail(mark_at(text, cr, file_ptr),
                  "a line ends with a lone carriage return (CR): save the file with LF or CRLF line ends");

  TreeBuilder builder(file_ptr, limits, result.diagnostics);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder) || !builder.has_root())
      return fail(Mark{file_ptr, 1, 1}, "empty file: expected a scenario (a YAML mapping)");
    if (parser.HandleNextDocument(builder))
      return fail(Mark{file_ptr, 0, 0}, "more than one YAML document in the file");
  } catch (const Fatal& f) {
    return fail(f.mark, f.message);
  } catch (const YAML::DeepRecursion& e) {
    return fail(builder.to_mark(e.mark), "nested deeper than " + std::to_string(limits.max_depth) +
                                             " levels, the most a scenario may have");
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages about tabs are indirect ("illegal map value"); a tab in the
    // indentation of any line up to the error is the usual cause, so name it.
    if (auto tab = first_indent_tab(text, static_cast<std::size_t>(std::max(0, e.mark.line)) + 1))
      return fail(mark_at(text, *tab, file_ptr),
                  "malformed YAML: a tab in the indentation (YAML indents with spaces only)");
    return fail(builder.to_mark(e.mark), "malformed YAML: " + clean_parser_message(e.msg));
  }
  result.root = builder.take_root();
  if (result.root.is_null())
    return fail(Mark{file_ptr, 1, 1}, "empty file: expected a scenario (a YAML mapping)");
  return result;
}

ParseResult parse_file(const std::string& path, const ParseLimits& limits, std::string* bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw UsageError("no such file: " + path);
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(path + " is a directory, not a scenario file");
  auto file_ptr = std::make_shared<const std::string>(path);
  auto refuse = [&](std::string message) {
    ParseResult result;
    result.fatal = true;
    result.diagnostics.add(Mark{file_ptr, 0, 0}, "", std::move(message));
    return result;
  };
  // A device or a pipe (/dev/zero, /dev/stdin) could be endless: only regular files are read.
  if (!std::filesystem::is_regular_file(path, ec))
    return refuse("not a regular file (a device, a pipe or a socket): expected a scenario file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.max_bytes)
    return refuse("file is " + std::to_string(size) + " bytes; a scenario may be at most " +
                  std::to_string(limits.max_bytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path);
  // Read at most one byte more than the limit, whatever the size said: a file growing while
  // it is read (or a /proc file reporting 0 bytes) still cannot make us read without end.
  std::string text(limits.max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > limits.max_bytes)
    return refuse("file is more than " + std::to_string(limits.max_bytes) +
                  " bytes; a scenario may be at most " + std::to_string(limits.max_bytes) + " bytes");
  ParseResult result = parse_text(text, path, limits);
  if (bytes) *bytes = std::move(text);
  return result;
}

}  // namespace azsim::yaml
