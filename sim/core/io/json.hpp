#pragma once
/// @file
/// @brief A small JSON writer with deterministic output: keys in the order written, two-space
/// indentation, numbers formatted as in CSV files, strings escaped per RFC 8259.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace azsim::io {

/// @brief Builds a JSON document by nested begin/end calls.
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);  ///< inside an object, before each value
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();

  /// @brief The document; @throws std::logic_error when objects/arrays are left open.
  [[nodiscard]] std::string str() const;

 private:
  void before_value();
  void open(char bracket);                     ///< '{' or '['
  void close(char bracket, const char* name);  ///< checks nesting, then writes the closer
  std::string out_;
  std::vector<char> stack_;   // '{' or '['
  std::vector<bool> first_;   // first element at this level
  bool after_key_ = false;
};

/// @brief A parsed JSON value (enough to read back manifests and resume state).
struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;  ///< string value, or the number's original text
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;
  [[nodiscard]] const JsonValue* find(std::string_view key) const noexcept;

  // Defined where JsonValue is complete: clang with libstdc++ 12 refuses a vector of pairs
  // holding the class being defined otherwise (the `fuzz` preset).
  JsonValue();
  JsonValue(const JsonValue&);
  JsonValue(JsonValue&&) noexcept;
  JsonValue& operator=(const JsonValue&);
  JsonValue& operator=(JsonValue&&) noexcept;
  ~JsonValue();
};

/// @brief Parses JSON text. @throws IoError with the line and column of the first error.
[[nodiscard]] JsonValue parse_json(std::string_view text, const std::string& name = "<json>");

}  // namespace azsim::io
