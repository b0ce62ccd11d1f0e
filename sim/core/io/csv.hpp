#pragma once
/// @file
/// @brief CSV output with deterministic formatting (RFC 4180 quoting; numbers in the shortest
/// form that reads back exactly, so identical runs give identical bytes on every platform).

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace azsim::io {

/// @brief Formats a double: shortest round-trip text ("0.1", "1e-07", "3"); NaN/inf are
/// written as "nan", "inf", "-inf" (callers should not produce them).
[[nodiscard]] std::string format_double(double value);

/// @brief Writes rows of a CSV file; checks every row has as many fields as the header.
/// A row is gathered in the writer and reaches the stream whole at end_row (or, unfinished, when
/// end_row throws or the writer is destroyed): one stream write a row instead of two a field.
class CsvWriter {
 public:
  CsvWriter(std::ostream& out, std::vector<std::string> header);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  CsvWriter& field(std::string_view text);  ///< quoted when it holds , " CR or LF
  CsvWriter& field(const char* text) { return field(std::string_view(text)); }
  CsvWriter& field(const std::string& text) { return field(std::string_view(text)); }
  CsvWriter& field(double value);
  CsvWriter& field(std::int64_t value);
  CsvWriter& field(std::int32_t value) { return field(static_cast<std::int64_t>(value)); }
  CsvWriter& field(std::uint64_t value);
  CsvWriter& field(bool value);  ///< "true" / "false"
  /// @brief Ends the row. @throws std::logic_error if the row has the wrong number of fields.
  void end_row();

  template <typename T>
  CsvWriter& operator<<(const T& value) { return field(value); }

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  void flush_row();
  CsvWriter& number(std::string_view text);  ///< a field that needs no quoting check

  std::ostream& out_;
  std::string row_;  ///< the fields of the row being written, separated by commas
  std::size_t columns_;
  std::size_t in_row_ = 0;
  std::size_t rows_ = 0;
};

/// @brief Reads a CSV file written by CsvWriter (or any RFC 4180 file) into rows of fields.
/// @throws IoError naming the file and the line on malformed quoting.
[[nodiscard]] std::vector<std::vector<std::string>> read_csv(std::string_view text,
                                                             const std::string& name = "<csv>");

}  // namespace azsim::io
