#include "core/io/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"
#include "core/io/csv.hpp"

namespace azsim::io {

JsonValue::JsonValue() = default;
JsonValue::JsonValue(const JsonValue&) = default;
JsonValue::JsonValue(JsonValue&&) noexcept = default;
JsonValue& JsonValue::operator=(const JsonValue&) = default;
JsonValue& JsonValue::operator=(JsonValue&&) noexcept = default;
JsonValue::~JsonValue() = default;

namespace {

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20) {
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 0xf];
        } else {
          out += c;  // bytes >= 0x80 are UTF-8 and pass through unchanged
        }
      }
    }
  }
  out += '"';
}

void append_indent(std::string& out, std::size_t depth) { out.append(2 * depth, ' '); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// JsonWriter

void JsonWriter::before_value() {
  if (stack_.empty()) {
    if (!out_.empty()) throw std::logic_error("JsonWriter: a second top-level value");
    return;
  }
  if (stack_.back() == '{') {
    if (!after_key_) throw std::logic_error("JsonWriter: a value in an object needs a key first");
    after_key_ = false;  // key() already wrote the separator and indentation
    return;
  }
  if (!first_.back()) out_ += ',';
  out_ += '\n';
  append_indent(out_, stack_.size());
  first_.back() = false;
}

void JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  stack_.push_back(bracket);
  first_.push_back(true);
}

void JsonWriter::close(char bracket, const char* name) {
  if (stack_.empty() || stack_.back() != bracket)
    throw std::logic_error(std::string("JsonWriter: end_") + name + " without a matching begin_" + name);
  if (after_key_) throw std::logic_error(std::string("JsonWriter: end_") + name + " right after a key");
  const bool empty = first_.back();
  stack_.pop_back();
  first_.pop_back();
  if (!empty) {  // an empty object or array stays on one line: {} or []
    out_ += '\n';
    append_indent(out_, stack_.size());
  }
  out_ += bracket == '{' ? '}' : ']';
}

JsonWriter& JsonWriter::begin_object() {
  open('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('{', "object");
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close('[', "array");
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (stack_.empty() || stack_.back() != '{')
    throw std::logic_error("JsonWriter: key outside an object");
  if (after_key_) throw std::logic_error("JsonWriter: two keys in a row");
  if (!first_.back()) out_ += ',';
  out_ += '\n';
  append_indent(out_, stack_.size());
  append_escaped(out_, name);
  out_ += ": ";
  first_.back() = false;
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_escaped(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  // JSON has no NaN or infinity; null keeps the document readable (as JavaScript does).
  out_ += std::isfinite(number) ? format_double(number) : std::string("null");
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
  (void)ec;  // 24 bytes always fit an int64
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  before_value();
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
  (void)ec;
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

std::string JsonWriter::str() const {
  if (!stack_.empty()) {
    throw std::logic_error("JsonWriter: " + std::to_string(stack_.size()) +
                           " object(s)/array(s) left open");
  }
  if (out_.empty()) throw std::logic_error("JsonWriter: nothing was written");
  return out_ + '\n';
}

// ---------------------------------------------------------------------------------------------
// JsonValue and parse_json

const JsonValue* JsonValue::find(std::string_view key) const noexcept {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

namespace {

constexpr int kMaxDepth = 256;  // deeper input is an error, not a stack overflow

class Parser {
 public:
  Parser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  JsonValue parse_document() {
    skip_space();
    JsonValue v = parse_value(0);
    skip_space();
    if (pos_ < text_.size()) fail("unexpected " + describe_here() + " after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }

  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    // Line and column (1-based); columns count characters, not UTF-8 continuation bytes.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++column;
      }
    }
    throw IoError(name_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
  }

  std::string describe_here() const {
    if (pos_ >= text_.size()) return "end of input";
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + text_[pos_] + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 0xf];
  }

  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  void expect_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) fail("unexpected " + describe_here());
    pos_ += word.size();
  }

  JsonValue parse_value(int depth) {
    if (pos_ >= text_.size()) fail("unexpected end of input, expected a value");
    JsonValue v;
    switch (text_[pos_]) {
      case '{': parse_object(v, depth + 1); break;
      case '[': parse_array(v, depth + 1); break;
      case '"':
        v.kind = JsonValue::Kind::string;
        v.text = parse_string();
        break;
      case 't':
        expect_literal("true");
        v.kind = JsonValue::Kind::boolean;
        v.boolean = true;
        break;
      case 'f':
        expect_literal("false");
        v.kind = JsonValue::Kind::boolean;
        break;
      case 'n':
        expect_literal("null");
        break;
      default:
        if (text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9')) {
          parse_number(v);
        } else {
          fail("unexpected " + describe_here() + ", expected a value");
        }
    }
    return v;
  }

  void check_depth(int depth) const {
    if (depth > kMaxDepth)
      fail("objects and arrays nested more than " + std::to_string(kMaxDepth) + " deep");
  }

  void parse_object(JsonValue& v, int depth) {
    check_depth(depth);
    v.kind = JsonValue::Kind::object;
    ++pos_;  // '{'
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return;
    }
    std::unordered_set<std::string> seen;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"')
        fail("unexpected " + describe_here() + ", expected a string key");
      const std::size_t key_pos = pos_;
      std::string key = parse_string();
      // Duplicate keys make find() ambiguous; in a manifest they mean the file is damaged.
      if (!seen.insert(key).second) fail_at(key_pos, "duplicate key \"" + key + "\"");
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':')
        fail("unexpected " + describe_here() + ", expected ':'");
      ++pos_;
      skip_space();
      JsonValue member = parse_value(depth);
      v.members.emplace_back(std::move(key), std::move(member));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return;
      }
      fail("unexpected " + describe_here() + ", expected ',' or '}'");
    }
  }

  void parse_array(JsonValue& v, int depth) {
    check_depth(depth);
    v.kind = JsonValue::Kind::array;
    ++pos_;  // '['
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_space();
      v.items.push_back(parse_value(depth));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return;
      }
      fail("unexpected " + describe_here() + ", expected ',' or ']'");
    }
  }

  unsigned parse_hex4() {
    if (pos_ + 4 > text_.size()) fail_at(pos_, "truncated \\u escape");
    unsigned code = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[pos_];
      unsigned digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<unsigned>(c - 'A' + 10);
      } else {
        fail("bad hex digit " + describe_here() + " in a \\u escape");
      }
      code = code * 16 + digit;
      ++pos_;
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parse_string() {
    const std::size_t start = pos_;
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail_at(start, "unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        // Usually a missing closing quote; point at the string's start as well.
        fail(c == '\n' ? "unterminated string (a newline inside a string must be written \\n)"
                       : "control character " + describe_here() + " inside a string");
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      const std::size_t escape_pos = pos_;
      ++pos_;
      if (pos_ >= text_.size()) fail_at(start, "unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = parse_hex4();
          if (code >= 0xDC00 && code <= 0xDFFF) fail_at(escape_pos, "lone low surrogate in \\u escape");
          if (code >= 0xD800 && code <= 0xDBFF) {
            // A high surrogate must be followed by a low one; together they name one code point.
            if (text_.substr(pos_, 2) != "\\u")
              fail_at(escape_pos, "high surrogate not followed by a low surrogate");
            pos_ += 2;
            const unsigned low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF)
              fail_at(escape_pos, "high surrogate not followed by a low surrogate");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default:
          pos_ = escape_pos;
          fail("bad escape \\" + std::string(1, e));
      }
    }
  }

  void parse_number(JsonValue& v) {
    const std::size_t start = pos_;
    const auto digit_here = [&] {
      return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9';
    };
    // Strict RFC 8259 grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    if (text_[pos_] == '-') ++pos_;
    if (!digit_here()) fail("expected a digit");
    if (text_[pos_] == '0') {
      ++pos_;
      if (digit_here()) fail("leading zero in a number");
    } else {
      while (digit_here()) ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digit_here()) fail("expected a digit after the decimal point");
      while (digit_here()) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digit_here()) fail("expected a digit in the exponent");
      while (digit_here()) ++pos_;
    }
    v.kind = JsonValue::Kind::number;
    v.text = std::string(text_.substr(start, pos_ - start));
    const char* first = v.text.data();
    const char* last = first + v.text.size();
    const auto [end, ec] = std::from_chars(first, last, v.number);
    if (ec == std::errc::result_out_of_range) {
      // Too small to represent is zero; too large is an error rather than a silent infinity.
      if (!underflows(v.text)) fail_at(start, "number " + v.text + " is too large for a double");
      v.number = v.text[0] == '-' ? -0.0 : 0.0;
    } else if (ec != std::errc() || end != last) {
      fail_at(start, "bad number " + v.text);
    }
  }

  // Whether a syntactically valid number that from_chars reported out of range is tiny
  // (decimal magnitude below zero) rather than huge.
  static bool underflows(std::string_view t) {
    std::size_t i = t[0] == '-' ? 1 : 0;
    long magnitude = 0;  // power of ten of the first non-zero digit, before the exponent
    bool found = false;
    long int_digits = 0;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
      if (found || t[i] != '0') {
        found = true;
        ++int_digits;
      }
    }
    if (found) {
      magnitude = int_digits - 1;
    } else if (i < t.size() && t[i] == '.') {
      long zeros = 0;
      for (++i; i < t.size() && t[i] == '0'; ++i) ++zeros;
      magnitude = -zeros - 1;
    }
    const std::size_t e = t.find_first_of("eE");
    long exponent = 0;
    if (e != std::string_view::npos) {
      std::size_t k = e + 1;
      const bool negative = t[k] == '-';
      if (t[k] == '+' || t[k] == '-') ++k;
      for (; k < t.size(); ++k) {
        exponent = std::min(exponent * 10 + (t[k] - '0'), 1000000L);  // clamp: sign is all we need
      }
      if (negative) exponent = -exponent;
    }
    return magnitude + exponent < 0;
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

}  // namespace

JsonValue parse_json(std::string_view text, const std::string& name) {
  return Parser(text, name).parse_document();
}

}  // namespace azsim::io
