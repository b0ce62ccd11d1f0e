// Every scenario the project ships (scenarios/ and scenarios/counterfactuals/) runs for its
// whole period and writes the five CSV files, manifest.json and run-info.json.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/exec/executor.hpp"
#include "core/io/csv.hpp"
#include "engine_support.hpp"
#include "models/azawad/run.hpp"

using namespace azsim;
using namespace azsim::azawad;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {
/// The scenario files shipped in scenarios/ and scenarios/counterfactuals/; `stress`: only the
/// generated benchmark worlds (stress-*.yaml), otherwise every other file.
std::vector<std::string> shipped_scenarios(bool stress) {
  std::vector<std::string> out;
  for (const char* dir : {"scenarios", "scenarios/counterfactuals"}) {
    const auto full = std::filesystem::path(test::source_path(dir));
    if (!std::filesystem::is_directory(full)) continue;
    for (const auto& e : std::filesystem::directory_iterator(full))
      if (e.is_regular_file() && e.path().extension() == ".yaml" &&
          (e.path().filename().string().rfind("stress-", 0) == 0) == stress &&
          test::slurp(e.path()).find("\nmodel: azawad") != std::string::npos)  // not another model's
        out.push_back(std::string(dir) + "/" + e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Runs a scenario file with the azsim binary and checks what it wrote.
void check_runs_whole_period(const std::string& file, const TempDir& tmp, int k) {
  INFO(file);
  const auto out = tmp / ("run" + std::to_string(k));
  const auto r = test::run_azsim("run " + file + " --seed 3 --threads 2 --out '" + out.string() + "' -q");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  for (const char* f : {"control.csv", "strength.csv", "casualties.csv", "events.csv", "outcomes.csv",
                        "manifest.json", "run-info.json"}) {
    INFO(f);
    CHECK(std::filesystem::is_regular_file(out / f));
  }
  for (const auto& csv : test::csv_files_in(out)) {
    INFO(csv);
    const auto rows = io::read_csv(slurp(out / csv), csv);  // well-formed
    REQUIRE(!rows.empty());                                 // a header at least
    std::size_t ragged = 0;
    for (const auto& row : rows) ragged += row.size() != rows[0].size();
    CHECK(ragged == 0);
  }
  // The whole period: one control row per node and day, from the first day to the last.
  const auto scenario = test::load_azawad(file);
  const ScenarioSpec& spec = scenario->spec();
  const auto control = io::read_csv(slurp(out / "control.csv"), "control.csv");
  REQUIRE(control.size() == 1 + static_cast<std::size_t>(spec.days) * spec.nodes.size());
  CHECK(control[1][0] == spec.start.to_string());
  CHECK(control.back()[0] == spec.end.to_string());
  CHECK(control.back()[1] == std::to_string(spec.days - 1));
  const auto outcomes = io::read_csv(slurp(out / "outcomes.csv"), "outcomes.csv");
  CHECK(outcomes.size() > 1 + 2 * spec.targets.size());
  CHECK(slurp(out / "manifest.json").find(file) != std::string::npos);
}
}  // namespace

TEST_CASE("every shipped scenario runs for its whole period and writes every file", "[engine][smoke]") {
  const auto files = shipped_scenarios(false);
  REQUIRE(std::find(files.begin(), files.end(), "scenarios/azawad-2012-2014.yaml") != files.end());
  TempDir tmp;
  int k = 0;
  for (const auto& file : files) check_runs_whole_period(file, tmp, k++);
}

// The benchmark worlds (stress-*.yaml, a million fighters) take half a minute each for their
// whole period, half the suite's time budget: the default suite runs their first 60 days in
// process; the whole period runs with `test_azawad "[stress]"` (a hidden test, not in ctest).
TEST_CASE("every shipped stress scenario runs its first 60 days and writes every file", "[engine][smoke]") {
  TempDir tmp;
  int k = 0;
  for (const auto& file : shipped_scenarios(true)) {
    INFO(file);
    const auto scenario = test::load_azawad(file);
    ScenarioSpec spec = scenario->spec();
    spec.days = std::min<Day>(spec.days, 60);
    spec.targets.clear();  // scored over the whole period
    const exec::Executor ex(2);
    const World w = simulate(spec, spec.parameters, rng::RunKey{3, 0}, ex);
    CHECK(w.fighters.size() > 500000);
    const auto out = tmp / ("run" + std::to_string(k++));
    std::filesystem::create_directories(out);
    write_run_files(w, summarize(w), out);
    for (const auto& f : test::run_csv_files()) {
      INFO(f);
      CHECK(std::filesystem::is_regular_file(out / f));
    }
    const auto control = io::read_csv(slurp(out / "control.csv"), "control.csv");
    CHECK(control.size() == 1 + static_cast<std::size_t>(spec.days) * spec.nodes.size());
  }
}

TEST_CASE("every shipped stress scenario runs for its whole period and writes every file", "[.][stress][smoke]") {
  TempDir tmp;
  int k = 0;
  for (const auto& file : shipped_scenarios(true)) check_runs_whole_period(file, tmp, k++);
}
