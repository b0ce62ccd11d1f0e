#include "core/scenario/reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/text.hpp"

namespace azsim::schema {

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

bool Bounds::contains(double v) const noexcept {
  if (min && (min_exclusive ? v <= *min : v < *min)) return false;
  if (max && (max_exclusive ? v >= *max : v > *max)) return false;
  return true;
}

std::string Bounds::describe(double value) const {
  auto f = [](double v) { return format_number(v); };
  if (min && max && !min_exclusive && !max_exclusive && *max - *min <= 1000.0)
    return "must be between " + f(*min) + " and " + f(*max);
  if (min && (min_exclusive ? value <= *min : value < *min))
    return std::string(min_exclusive ? "must be > " : "must be >= ") + f(*min);
  if (max) return std::string(max_exclusive ? "must be < " : "must be <= ") + f(*max);
  return "must be a finite number";
}

namespace {
std::string found(const Node& node) {
  if (!node.is_scalar()) return yaml::describe(node.kind);
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
  std::string out = node.quoted ? "the string \"" : "'";
  out.append(abbreviate(node.scalar));
  out.append(node.quoted ? "\"" : "'");
  return out;
}
}  // namespace

bool Reader::expect(const Node& node, const std::string& path, yaml::Kind kind,
                    std::string_view what) {
  if (node.kind == kind) return true;
  error(node, path, "expected " + std::string(what) + ", got " + found(node));
  return false;
}

std::optional<std::string_view> Reader::plain(const Node& node, const std::string& path,
                                              std::string_view what) {
  if (!node.is_scalar()) {
    error(node, path, "expected " + std::string(what) + ", got " + found(node));
    return std::nullopt;
  }
  if (node.quoted) {
    error(node, path,
          "expected " + std::string(what) + ", got " + found(node) + " (remove the quotes)");
    return std::nullopt;
  }
  return std::string_view(node.scalar);
}

std::string Reader::suggest(std::string_view word, std::span<const std::string> candidates) const {
  return diagnostics_.full() ? std::string() : did_you_mean(word, candidates);
}

std::optional<double> Reader::number(const Node& node, const std::string& path,
                                     const Bounds& bounds) {
  auto text = plain(node, path, "a number");
  if (!text) return std::nullopt;
  std::string_view t = *text;
  std::string lower(t);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos) {
    error(node, path, "expected a finite number, got '" + abbreviate(t) + "' (NaN and infinity are not allowed)");
    return std::nullopt;
  }
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(value))) {
    error(node, path, "number out of range (got '" + abbreviate(*text) + "')");
    return std::nullopt;
  }
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) {
    error(node, path, "expected a number, got " + found(node));
    return std::nullopt;
  }
  if (!bounds.contains(value)) {
    error(node, path, bounds.describe(value) + " (got " + abbreviate(*text) + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> Reader::integer(const Node& node, const std::string& path,
                                            std::int64_t min, std::int64_t max) {
  auto text = plain(node, path, "a whole number");
  if (!text) return std::nullopt;
  std::string_view t = *text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec == std::errc::result_out_of_range) {
    error(node, path, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          " (got " + abbreviate(*text) + ")");
    return std::nullopt;
  }
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) {
    error(node, path, "expected a whole number, got " + found(node));
    return std::nullopt;
  }
  if (value < min || value > max) {
    std::string rule = max == INT64_MAX ? "must be >= " + std::to_string(min)
                                        : "must be between " + std::to_string(min) + " and " +
                                              std::to_string(max);
    error(node, path, rule + " (got " + abbreviate(*text) + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> Reader::string(const Node& node, const std::string& path) {
  if (!node.is_scalar()) {
    error(node, path, "expected text, got " + found(node));
    return std::nullopt;
  }
  return node.scalar;
}

std::optional<std::string> Reader::id(const Node& node, const std::string& path) {
  auto text = plain(node, path, "an id");
  if (!text) return std::nullopt;
  const std::string_view t = *text;
  const bool ok = !t.empty() && t.size() <= 64 && std::isalpha(static_cast<unsigned char>(t[0])) &&
                  std::all_of(t.begin(), t.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '_';
                  });
  if (!ok) {
    error(node, path, "expected an id (a letter, then letters, digits or '_'; at most 64), got " +
                          found(node));
    return std::nullopt;
  }
  return std::string(t);
}

std::optional<bool> Reader::boolean(const Node& node, const std::string& path) {
  auto text = plain(node, path, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  error(node, path, "expected true or false, got " + found(node));
  return std::nullopt;
}

std::optional<Date> Reader::date(const Node& node, const std::string& path) {
  if (!node.is_scalar()) {
    error(node, path, "expected a date (YYYY-MM-DD), got " + found(node));
    return std::nullopt;
  }
  auto d = Date::parse(node.scalar);
  if (!d) error(node, path, "expected a date (YYYY-MM-DD, a real day), got " + found(node));
  return d;
}

std::optional<std::string> Reader::choice(const Node& node, const std::string& path,
                                          std::span<const std::string_view> options) {
  std::string list;
  for (auto o : options) list += (list.empty() ? "" : ", ") + std::string(o);
  if (!node.is_scalar()) {
    error(node, path, "expected one of " + list + ", got " + found(node));
    return std::nullopt;
  }
  for (auto o : options)
    if (node.scalar == o) return node.scalar;
  std::vector<std::string> candidates(options.begin(), options.end());
  error(node, path, "expected one of " + list + ", got " + found(node) +
                        suggest(node.scalar, candidates));
  return std::nullopt;
}

std::vector<std::string> Reader::strings(const Node& node, const std::string& path) {
  std::vector<std::string> out;
  if (node.is_scalar()) {
    out.push_back(node.scalar);
  } else if (node.is_sequence()) {
    for (std::size_t i = 0; i < node.items.size(); ++i)
      if (auto s = string(node.items[i], path + "[" + std::to_string(i) + "]")) out.push_back(*s);
  } else {
    error(node, path, "expected text or a list of texts, got " + found(node));
  }
  return out;
}

MapReader::MapReader(Reader& reader, const Node& node, std::string path, std::string_view what)
    : reader_(reader), node_(node), path_(std::move(path)), ok_(node.is_map()) {
  if (!ok_) reader_.error(node, path_, "expected " + std::string(what) + ", got " + found(node));
}

std::string MapReader::path(std::string_view key) const { return join(path_, key); }

const Node* MapReader::optional(std::string_view key) {
  known_.emplace_back(key);
  return ok_ ? node_.find(key) : nullptr;
}

const Node* MapReader::required(std::string_view key, std::string_view what) {
  const Node* n = optional(key);
  if (!n && ok_)
    reader_.error(node_, path_,
                  "missing required key '" + std::string(key) + "' (" + std::string(what) + ")");
  return n;
}

void MapReader::allow(std::initializer_list<std::string_view> keys) {
  for (auto k : keys) known_.emplace_back(k);
}

std::optional<double> MapReader::number(std::string_view key, const Bounds& b, bool req) {
  const Node* n = req ? required(key, "a number") : optional(key);
  return n ? reader_.number(*n, path(key), b) : std::nullopt;
}
std::optional<std::int64_t> MapReader::integer(std::string_view key, std::int64_t min,
                                               std::int64_t max, bool req) {
  const Node* n = req ? required(key, "a whole number") : optional(key);
  return n ? reader_.integer(*n, path(key), min, max) : std::nullopt;
}
std::optional<std::string> MapReader::string(std::string_view key, bool req) {
  const Node* n = req ? required(key, "text") : optional(key);
  return n ? reader_.string(*n, path(key)) : std::nullopt;
}
std::optional<std::string> MapReader::id(std::string_view key, bool req) {
  const Node* n = req ? required(key, "an id") : optional(key);
  return n ? reader_.id(*n, path(key)) : std::nullopt;
}
std::optional<bool> MapReader::boolean(std::string_view key, bool req) {
  const Node* n = req ? required(key, "true or false") : optional(key);
  return n ? reader_.boolean(*n, path(key)) : std::nullopt;
}
std::optional<Date> MapReader::date(std::string_view key, bool req) {
  const Node* n = req ? required(key, "a date, YYYY-MM-DD") : optional(key);
  return n ? reader_.date(*n, path(key)) : std::nullopt;
}
std::optional<std::string> MapReader::choice(std::string_view key,
                                             std::span<const std::string_view> options, bool req) {
  std::string list;
  for (auto o : options) list += (list.empty() ? "one of " : ", ") + std::string(o);
  const Node* n = req ? required(key, list) : optional(key);
  return n ? reader_.choice(*n, path(key), options) : std::nullopt;
}
std::vector<std::string> MapReader::strings(std::string_view key) {
  const Node* n = optional(key);
  return n ? reader_.strings(*n, path(key)) : std::vector<std::string>{};
}

void MapReader::finish() {
  if (!ok_) return;
  for (const auto& key : node_.keys) {
    if (std::find(known_.begin(), known_.end(), key.scalar) != known_.end()) continue;
    reader_.error(key, path_,
                  "unknown key '" + abbreviate(key.scalar) + "'" + reader_.suggest(key.scalar, known_));
  }
}

}  // namespace azsim::schema
