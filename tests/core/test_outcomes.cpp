#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../support.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/run/outcomes.hpp"

using namespace azsim;
using azsim::test::TempDir;

TEST_CASE("outcomes.csv: name, value, unit per outcome in order, NA for a missing value",
          "[run][outcomes]") {
  TempDir dir;
  const std::vector<Outcome> outcomes{
      {"T1.hit", 1.0, "0/1"},
      {"T1.fall", std::nullopt, "day index"},
      {"mean_active_share", 0.1, "share of citizens"},
      {"tiny", 1e-07, "value"},
      {"odd, name", -2.5, "say \"what\""},
  };
  write_outcomes_csv(dir / "outcomes.csv", outcomes);
  CHECK(io::read_file(dir / "outcomes.csv") ==
        "name,value,unit\n"
        "T1.hit,1,0/1\n"
        "T1.fall,NA,day index\n"
        "mean_active_share,0.1,share of citizens\n"
        "tiny,1e-07,value\n"
        "\"odd, name\",-2.5,\"say \"\"what\"\"\"\n");
  CHECK(dir.entries() == std::vector<std::string>{"outcomes.csv"});  // no temporary left behind

  // Every value reads back exactly.
  const double third = 1.0 / 3.0;
  write_outcomes_csv(dir / "outcomes.csv",
                     std::vector<Outcome>{{"third", third, "share"}, {"none", std::nullopt, ""}});
  const auto rows = io::read_csv(io::read_file(dir / "outcomes.csv"), "outcomes.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1] == std::vector<std::string>{"third", io::format_double(third), "share"});
  CHECK(std::stod(rows[1][1]) == third);
  CHECK(rows[2] == std::vector<std::string>{"none", "NA", ""});
}

TEST_CASE(
    "outcomes.csv with no outcomes is its header, and an unwritable place is an IoError naming it",
    "[run][outcomes]") {
  TempDir dir;
  write_outcomes_csv(dir / "outcomes.csv", {});
  CHECK(io::read_file(dir / "outcomes.csv") == "name,value,unit\n");
  const auto missing = dir / "no-such-folder" / "outcomes.csv";
  CHECK_THROWS_AS(write_outcomes_csv(missing, std::vector<Outcome>{{"x", 1.0, ""}}), IoError);
  CHECK_THROWS_WITH(write_outcomes_csv(missing, std::vector<Outcome>{{"x", 1.0, ""}}),
                    Catch::Contains("no-such-folder"));
  CHECK(dir.entries() == std::vector<std::string>{"outcomes.csv"});
}
