#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "core/date.hpp"

using azsim::Date;

TEST_CASE("dates parse strictly and round-trip", "[date]") {
  REQUIRE(Date::parse("1970-01-01")->days() == 0);
  REQUIRE(Date::parse("2012-04-06")->to_string() == "2012-04-06");
  REQUIRE(Date::parse("2000-02-29").has_value());  // leap year divisible by 400
  CHECK_FALSE(Date::parse("1900-02-29").has_value());  // century, not leap
  CHECK_FALSE(Date::parse("2013-02-30").has_value());
  CHECK_FALSE(Date::parse("2013-13-01").has_value());
  CHECK_FALSE(Date::parse("2013-1-01").has_value());
  CHECK_FALSE(Date::parse("13-01-2013").has_value());
  CHECK_FALSE(Date::parse("0000-01-01").has_value());
  CHECK_FALSE(Date::parse("2013-01-01 ").has_value());
}

TEST_CASE("day arithmetic matches the calendar", "[date]") {
  const Date start = *Date::parse("2012-04-06");
  const Date end = *Date::parse("2014-03-31");
  // 2012-04-06 .. 2013-04-06 is 365 days (no 29 February in between), then to 2014-03-31.
  CHECK(azsim::days_between(start, *Date::parse("2013-04-06")) == 365);
  CHECK(azsim::days_between(start, end) == 724);
  CHECK(start.plus_days(82).to_string() == "2012-06-27");
  // Every day of four centuries round-trips.
  for (std::int64_t d = -200000; d < 200000; d += 7) {
    const Date x = Date::from_days(d);
    REQUIRE(Date::parse(x.to_string())->days() == d);
  }
}

TEST_CASE("to_string writes YYYY-MM-DD as printf would, inside and outside years 0-9999", "[date]") {
  namespace chr = std::chrono;
  const auto printed = [](std::int64_t d) {
    const chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return std::string(buf);
  };
  // Years -3 .. 10003, every day near the edges of the fast path and a sample between.
  for (std::int64_t d = -721000; d < 2934000; d += d < -718000 || d > 2931000 ? 1 : 37)
    REQUIRE(Date::from_days(d).to_string() == printed(d));
}
