#pragma once
/// @file
/// @brief Small text helpers for messages: edit distance and "did you mean".

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace azsim {

/// @brief Levenshtein distance between two strings (bytes).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// @brief The closest of `candidates` to `word`, if close enough to be a likely typo.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word,
                                                       std::span<const std::string> candidates);

/// @brief " (did you mean 'x'?)" or "" when nothing is close.
[[nodiscard]] std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

/// @brief Shortens text for a message, e.g. a long scalar: at most `max` characters plus "...".
[[nodiscard]] std::string abbreviate(std::string_view text, std::size_t max = 40);

/// @brief `text` made safe to print in a message: control bytes (NUL, escape, ...) shown as
/// \xNN, cut to about `max` characters with "..." after.
[[nodiscard]] std::string printable(std::string_view text, std::size_t max = 60);

/// @brief Formats a double the shortest way that reads back exactly.
[[nodiscard]] std::string format_number(double value);

/// @brief Formats a computed value to 6 significant digits (0.3 + 0.6 reads 0.9, not 0.8999...).
[[nodiscard]] std::string format_rounded(double value);

}  // namespace azsim
