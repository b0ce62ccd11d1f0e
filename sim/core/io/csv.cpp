#include "core/io/csv.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"

namespace azsim::io {

namespace {

/// Writes format_double's text into `buf` (64 bytes) and returns its length.
std::size_t format_double_to(double value, char* buf) {
  const auto copy = [buf](std::string_view t) {
    t.copy(buf, t.size());
    return t.size();
  };
  // Spelled out: to_chars would give "-nan" for some NaNs, and we promise exactly these.
  if (std::isnan(value)) return copy("nan");
  if (std::isinf(value)) return copy(value > 0 ? "inf" : "-inf");
  if (value == 0) return copy("0");  // also -0: a sign on zero is noise in an output table
  // Shortest text that reads back to the same double; locale-free, so identical everywhere.
  const auto [end, ec] = std::to_chars(buf, buf + 64, value);
  if (ec != std::errc()) throw std::logic_error("format_double: buffer too small");
  return static_cast<std::size_t>(end - buf);
}

bool needs_quotes(std::string_view text) {
  // A plain loop: find_first_of(",\"\r\n") calls memchr once per character.
  for (const char c : text)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  return false;
}

void write_text(std::string& out, std::string_view text, bool force_quotes) {
  if (!force_quotes && !needs_quotes(text)) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';  // RFC 4180: a quote inside a quoted field is doubled
    out += c;
  }
  out += '"';
}

}  // namespace

std::string format_double(double value) {
  char buf[64];
  return std::string(buf, format_double_to(value, buf));
}

CsvWriter::CsvWriter(std::ostream& out, std::vector<std::string> header)
    : out_(out), columns_(header.size()) {
  // With no columns every row would be an empty line, which reads back as one empty field.
  if (header.empty()) throw std::invalid_argument("CsvWriter: the header has no columns");
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (i > 0) row_ += ',';
    write_text(row_, header[i], columns_ == 1 && header[i].empty());
  }
  row_ += '\n';
  flush_row();
}

CsvWriter::~CsvWriter() {
  try {
    flush_row();  // an unfinished row reaches the stream as it would have field by field
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void CsvWriter::flush_row() {
  if (row_.empty()) return;
  out_.write(row_.data(), static_cast<std::streamsize>(row_.size()));
  row_.clear();
}

CsvWriter& CsvWriter::field(std::string_view text) {
  if (in_row_ > 0) row_ += ',';
  // In a one-column file an empty field would be a blank line; quoting it keeps it a value.
  write_text(row_, text, columns_ == 1 && text.empty());
  ++in_row_;
  return *this;
}

// Numbers are never empty and never hold a character that needs quoting: written as they are.
CsvWriter& CsvWriter::number(std::string_view text) {
  if (in_row_ > 0) row_ += ',';
  row_ += text;
  ++in_row_;
  return *this;
}

CsvWriter& CsvWriter::field(double value) {
  char buf[64];
  return number(std::string_view(buf, format_double_to(value, buf)));
}

CsvWriter& CsvWriter::field(std::int64_t value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 24 bytes always fit an int64
  return number(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

CsvWriter& CsvWriter::field(std::uint64_t value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  return number(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

CsvWriter& CsvWriter::field(bool value) {
  return field(std::string_view(value ? "true" : "false"));
}

void CsvWriter::end_row() {
  if (in_row_ != columns_) {
    const std::size_t got = in_row_;
    in_row_ = 0;  // so the writer is usable again; the partial row stays in the stream
    flush_row();
    throw std::logic_error("CSV row " + std::to_string(rows_ + 1) + " has " + std::to_string(got) +
                           " fields; the header has " + std::to_string(columns_));
  }
  row_ += '\n';
  flush_row();
  in_row_ = 0;
  ++rows_;
}

std::vector<std::vector<std::string>> read_csv(std::string_view text, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  std::size_t line = 1;
  std::size_t i = 0;
  // Spreadsheet programs often save UTF-8 with a byte-order mark; it is not part of the data.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;

  const auto fail = [&](std::size_t at_line, const std::string& what) {
    throw IoError(name + ":" + std::to_string(at_line) + ": " + what);
  };

  while (i < text.size()) {
    // One field per iteration; `i` is at its first character.
    if (text[i] == '"') {
      const std::size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= text.size()) fail(start_line, "unterminated quoted field");
        const char c = text[i++];
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            cell += '"';
            ++i;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line;
          cell += c;
        }
      }
      // After the closing quote only a separator or the end of the record may follow.
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
        fail(line, "unexpected character after a closing quote");
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        if (text[i] == '"') fail(line, "quote inside an unquoted field");
        cell += text[i++];
      }
      if (i < text.size() && text[i] == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n')) {
        fail(line, "carriage return not followed by a line feed");
      }
    }
    row.push_back(std::move(cell));
    cell.clear();
    if (i >= text.size()) break;
    if (text[i] == ',') {
      ++i;
      // A separator at the very end means one more (empty) field.
      if (i >= text.size()) row.emplace_back();
      continue;
    }
    i += text[i] == '\r' ? 2 : 1;  // "\r\n" or "\n"
    ++line;
    rows.push_back(std::move(row));
    row.clear();
  }
  if (!row.empty()) rows.push_back(std::move(row));
  return rows;
}

}  // namespace azsim::io
