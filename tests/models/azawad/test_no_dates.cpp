// "No dates in the engine" (model brief): moving the scenario's start, end, every shock and
// every target date by the same number of days shifts every dated output by that many days and
// changes nothing else.

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/exec/executor.hpp"
#include "core/io/csv.hpp"
#include "engine_support.hpp"
#include "models/azawad/run.hpp"

using namespace azsim;
using namespace azsim::azawad;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

constexpr int kShift = 100;

/// The text with every YYYY-MM-DD date moved by `days` (calendar arithmetic, not text).
std::string shift_dates(const std::string& text, int days, int* count) {
  static const std::regex date_re(R"((\d{4})-(\d{2})-(\d{2}))");
  std::string out;
  std::size_t last = 0;
  *count = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), date_re); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const auto d = Date::parse(m.str());
    out.append(text, last, static_cast<std::size_t>(m.position()) - last);
    if (d) {
      out += d->plus_days(days).to_string();
      ++*count;
    } else {
      out += m.str();
    }
    last = static_cast<std::size_t>(m.position() + m.length());
  }
  out.append(text, last, std::string::npos);
  return out;
}

std::string shifted_date(const std::string& text, int days) {
  const auto d = Date::parse(text);
  return d ? d->plus_days(days).to_string() : "not a date: " + text;
}

/// Compares two CSV outputs whose first column is a date: row by row, the shifted file's date
/// is the original's plus kShift days and every other field is identical.
void compare_dated(const std::string& name, const std::string& original, const std::string& shifted) {
  INFO(name);
  const auto a = io::read_csv(original, name), b = io::read_csv(shifted, name);
  REQUIRE(a.size() == b.size());
  REQUIRE(!a.empty());
  CHECK(a[0] == b[0]);  // header
  std::size_t bad = 0;
  std::string first_bad;
  for (std::size_t r = 1; r < a.size(); ++r) {
    bool same = a[r].size() == b[r].size() && !a[r].empty() && shifted_date(a[r][0], kShift) == b[r][0];
    for (std::size_t c = 1; same && c < a[r].size(); ++c) same = a[r][c] == b[r][c];
    if (!same && bad++ == 0) {
      first_bad = "row " + std::to_string(r) + ":";
      for (const auto& x : a[r]) first_bad += " " + x.substr(0, 60);
      first_bad += " vs";
      for (const auto& x : b[r]) first_bad += " " + x.substr(0, 60);
    }
  }
  INFO("first differing " << first_bad);
  CHECK(bad == 0);
}

void check_shift_invariance(const std::string& scenario_path, std::uint64_t seed,
                            const std::vector<std::string>& sets = {}) {
  TempDir tmp;
  int dates = 0;
  const std::string text = slurp(test::source_path(scenario_path));
  REQUIRE(!text.empty());
  const auto shifted_path = tmp / "shifted.yaml";
  test::write_text(shifted_path, shift_dates(text, kShift, &dates));
  CHECK(dates >= 5);  // start, end, shocks, target windows

  const auto original = test::load_azawad(scenario_path, sets);
  const auto shifted = test::load_azawad(shifted_path.string(), sets);
  const ScenarioSpec& a = original->spec();
  const ScenarioSpec& b = shifted->spec();
  // The transform moved the calendar and nothing else: same day indices everywhere.
  REQUIRE(days_between(a.start, b.start) == kShift);
  REQUIRE(days_between(a.end, b.end) == kShift);
  REQUIRE(a.days == b.days);
  REQUIRE(a.interventions.size() == b.interventions.size());
  for (std::size_t k = 0; k < a.interventions.size(); ++k) CHECK(a.interventions[k].day == b.interventions[k].day);
  REQUIRE(a.targets.size() == b.targets.size());
  for (std::size_t t = 0; t < a.targets.size(); ++t)
    for (std::size_t c = 0; c < a.targets[t].clauses.size(); ++c) {
      CHECK(a.targets[t].clauses[c].window_start == b.targets[t].clauses[c].window_start);
      CHECK(a.targets[t].clauses[c].window_end == b.targets[t].clauses[c].window_end);
      CHECK(a.targets[t].clauses[c].date == b.targets[t].clauses[c].date);
      CHECK(a.targets[t].clauses[c].date2 == b.targets[t].clauses[c].date2);
    }

  const exec::Executor ex(1);
  const auto dir_a = tmp / "original", dir_b = tmp / "shifted-out";
  std::filesystem::create_directories(dir_a);
  std::filesystem::create_directories(dir_b);
  RunRequest ra;
  ra.seed = seed;
  ra.executor = &ex;
  ra.out_dir = dir_a;
  RunRequest rb = ra;
  rb.out_dir = dir_b;
  const RunSummary sa = original->run(ra);
  const RunSummary sb = shifted->run(rb);

  // Identical outcomes (day indices, shares, counts) and target scores.
  CHECK(test::first_difference(slurp(dir_a / "outcomes.csv"), slurp(dir_b / "outcomes.csv")) == "");
  REQUIRE(sa.targets.size() == sb.targets.size());
  for (std::size_t t = 0; t < sa.targets.size(); ++t) {
    CHECK(sa.targets[t].hit == sb.targets[t].hit);
    CHECK(sa.targets[t].miss == sb.targets[t].miss);
  }
  // Every file with dates (first column date or event_date): dates moved by exactly kShift,
  // all else equal. Files without dates: identical.
  const auto names = test::csv_files_in(dir_a);
  REQUIRE(names == test::csv_files_in(dir_b));
  int dated = 0;
  for (const auto& f : names) {
    const std::string ta = slurp(dir_a / f), tb = slurp(dir_b / f);
    const std::string first_column = ta.substr(0, ta.find_first_of(",\n"));
    if (first_column == "date" || first_column == "event_date") {
      compare_dated(f, ta, tb);
      ++dated;
    } else {
      INFO(f);
      CHECK(test::first_difference(ta, tb) == "");
    }
  }
  CHECK(dated >= 4);  // control, strength, casualties, events at least
  // Something happened, so the comparison had material.
  CHECK(io::read_csv(slurp(dir_a / "events.csv")).size() > 10);
}

}  // namespace

TEST_CASE("the date shifter moves every date by calendar arithmetic", "[engine][no-dates]") {
  int n = 0;
  CHECK(shift_dates("start: 2000-01-01\nend: 2000-12-31 # 1999-02-30 is no date", 100, &n) ==
        "start: 2000-04-10\nend: 2001-04-10 # 1999-02-30 is no date");
  CHECK(n == 2);
}

TEST_CASE("shifting every date of the minimal world by 100 days shifts the outputs and nothing else",
          "[engine][no-dates]") {
  // A small recruitment rate keeps the runs fast (minimal.yaml's own makes millions of recruits:
  // test_invariants.cpp); the shift must change nothing whatever the parameters.
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    check_shift_invariance("tests/data/good/minimal.yaml", seed, {"parameters.fighters.recruitment_rate.value=0.0005"});
  }
}

TEST_CASE("shifting every date of the historical scenario by 100 days shifts the outputs and nothing else",
          "[engine][no-dates]") {
  check_shift_invariance("scenarios/azawad-2012-2014.yaml", 7);
}
