#pragma once
/// @file
/// @brief Calendar dates for scenario files. The engine itself never sees a calendar: dates
/// become day indices from the scenario's start when the scenario is loaded.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace azsim {

/// @brief A proleptic Gregorian date, stored as days since 1970-01-01.
class Date {
 public:
  constexpr Date() = default;
  /// @brief From a day count since 1970-01-01.
  static constexpr Date from_days(std::int64_t days) noexcept {
    Date d;
    d.days_ = days;
    return d;
  }
  /// @brief From year, month (1-12) and day (1-31); the caller checks validity first.
  [[nodiscard]] static Date from_civil(int year, int month, int day) noexcept;
  /// @brief Parses strict `YYYY-MM-DD` (years 1-9999); nullopt when malformed or not a real day.
  [[nodiscard]] static std::optional<Date> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr std::int64_t days() const noexcept { return days_; }
  [[nodiscard]] std::string to_string() const;  ///< "YYYY-MM-DD"
  [[nodiscard]] Date plus_days(std::int64_t n) const noexcept { return from_days(days_ + n); }

  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  std::int64_t days_ = 0;
};

/// @brief Days from `a` to `b` (negative when b is earlier).
[[nodiscard]] constexpr std::int64_t days_between(Date a, Date b) noexcept {
  return b.days() - a.days();
}

}  // namespace azsim
