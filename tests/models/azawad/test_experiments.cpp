// Ensembles and what-ifs of the war's model: the counterfactuals move what they should, an
// unchanged one moves nothing, and the ensemble files agree with single runs.

#include <cmath>
#include <map>

#include "core/io/csv.hpp"
#include "core/run/ensemble.hpp"
#include "engine_support.hpp"

namespace fs = std::filesystem;
using azsim::test::load_azawad;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

constexpr const char* kHistorical = "scenarios/azawad-2012-2014.yaml";

azsim::EnsembleOptions ensemble(std::uint64_t runs) {
  azsim::EnsembleOptions o;
  o.runs = runs;
  o.seed = 2024;
  o.threads = 2;
  o.quiet = true;
  return o;
}

std::vector<std::vector<std::string>> csv_rows(const fs::path& p) { return azsim::io::read_csv(slurp(p)); }

/// whatif.csv's rows by name.
std::map<std::string, std::vector<std::string>> whatif_rows(const fs::path& dir) {
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& r : csv_rows(dir / "whatif.csv")) rows[r[0]] = r;
  return rows;
}

// whatif.csv columns
constexpr std::size_t kBaseMean = 3, kCfMean = 8, kDiffMean = 13, kDiffLow = 14, kDiffHigh = 15, kPHigher = 16;

}  // namespace

TEST_CASE("what-if: no French intervention makes T7 rare", "[experiments]") {
  const auto base = load_azawad(kHistorical);
  const auto cf = load_azawad("scenarios/counterfactuals/no-intervention.yaml");
  TempDir dir;
  (void)azsim::run_whatif(*base, *cf, ensemble(40), dir / "w", nullptr);
  const auto rows = whatif_rows(dir.path() / "w");
  const auto& t7 = rows.at("T7");
  CHECK(t7[1] == "target");
  INFO("T7 hit rate: baseline " << t7[kBaseMean] << ", no intervention " << t7[kCfMean]);
  CHECK(std::stod(t7[kCfMean]) < 0.1);
}

TEST_CASE("what-if: MNLA pay parity lowers the defected share by at least 30%", "[experiments]") {
  const auto base = load_azawad(kHistorical);
  const auto cf = load_azawad("scenarios/counterfactuals/mnla-pay-parity.yaml");
  TempDir dir;
  (void)azsim::run_whatif(*base, *cf, ensemble(40), dir / "w", nullptr);
  const auto rows = whatif_rows(dir.path() / "w");
  const auto& share = rows.at("T5.defected");
  const double b = std::stod(share[kBaseMean]), c = std::stod(share[kCfMean]);
  INFO("MNLA defected share (T5): baseline " << b << ", pay parity " << c);
  CHECK(c <= 0.7 * b);
  CHECK(std::stod(share[kDiffHigh]) < 0);  // the whole interval below zero
  CHECK(std::stod(share[kPHigher]) < 0.2);
}

TEST_CASE("what-if: a counterfactual that changes nothing differs by exactly zero everywhere", "[experiments]") {
  TempDir dir;
  const std::string same = dir.write("same.yaml", "schema_version: 1\nmodel: azawad\nbase: " +
                                                      azsim::test::source_path(kHistorical) + "\n");
  const auto base = load_azawad(kHistorical);
  const auto cf = load_azawad(same);
  (void)azsim::run_whatif(*base, *cf, ensemble(6), dir / "w", nullptr);
  const auto rows = csv_rows(dir.path() / "w" / "whatif.csv");
  REQUIRE(rows.size() > 50);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    INFO(rows[i][0]);
    if (rows[i][12] == "0") continue;  // never produced in these runs: no pairs
    CHECK(rows[i][kDiffMean] == "0");
    CHECK(rows[i][kPHigher] == "0.5");
    CHECK(rows[i][kBaseMean] == rows[i][kCfMean]);
  }
  // The two ensembles' files are byte-identical but for the manifest (other scenario files).
  for (const char* f : {"runs.csv", "control.csv", "strength.csv", "casualties.csv", "targets.csv"})
    CHECK(slurp(dir / "w" / "baseline" / f) == slurp(dir / "w" / "counterfactual" / f));
}

TEST_CASE("what-if: the counterfactual must derive from the base", "[experiments]") {
  const auto base = load_azawad("tests/data/good/minimal.yaml");
  const auto cf = load_azawad("scenarios/counterfactuals/no-intervention.yaml");
  TempDir dir;
  CHECK_THROWS_WITH(azsim::run_whatif(*base, *cf, ensemble(2), dir / "w", nullptr),
                    Catch::Contains("does not derive from"));
}

TEST_CASE("ensemble of the war: identical with 1 and 2 threads, and consistent with single runs", "[experiments][determinism]") {
  const auto scenario = load_azawad(kHistorical);
  TempDir one, two;
  auto o = ensemble(8);
  o.trace = 8;
  o.threads = 1;
  (void)azsim::run_ensemble(*scenario, o, one / "e");
  o.threads = 2;
  (void)azsim::run_ensemble(*scenario, o, two / "e");
  for (const char* f : {"runs.csv", "targets.csv", "control.csv", "strength.csv", "casualties.csv", "manifest.json",
                        "nodes.csv", "edges.csv", "factions.csv", "target-marks.csv", "runs/7/control.csv"})
    CHECK(slurp(one / "e" / f) == slurp(two / "e" / f));

  // control.csv: each node has exactly one state every day; a bloc never holds alone more
  // often than its members hold at all.
  const auto control = csv_rows(one.path() / "e" / "control.csv");
  const auto& header = control[0];
  std::vector<std::size_t> states, blocs, factions;
  for (std::size_t c = 3; c < header.size(); ++c)
    (header[c].starts_with("state:") ? states : header[c].starts_with("bloc:") ? blocs : factions).push_back(c);
  REQUIRE(states.size() == 5);
  for (std::size_t r = 1; r < control.size(); ++r) {
    double sum = 0;
    for (std::size_t c : states) sum += std::stod(control[r][c]);
    REQUIRE(sum == Approx(1).epsilon(1e-12));
    double held = std::stod(control[r][states[0]]) + std::stod(control[r][states[1]]);
    for (std::size_t c : blocs) REQUIRE(std::stod(control[r][c]) <= held + 1e-12);
  }

  // strength.csv's mean on each day equals the mean over the traced runs' own strength.csv.
  std::map<std::pair<std::string, std::string>, double> active;  // (date, faction) -> sum over runs
  for (int i = 0; i < 8; ++i) {
    const auto rows = csv_rows(one.path() / "e" / "runs" / std::to_string(i) / "strength.csv");
    for (std::size_t r = 1; r < rows.size(); ++r)  // date, day, faction, node, active, travelling_to, wounded
      active[{rows[r][0], rows[r][2]}] += std::stod(rows[r][4]) + std::stod(rows[r][5]);
  }
  const auto strength = csv_rows(one.path() / "e" / "strength.csv");
  std::size_t checked = 0;
  for (std::size_t r = 1; r < strength.size(); ++r) {
    const double expected = active.count({strength[r][0], strength[r][2]}) ? active[{strength[r][0], strength[r][2]}] / 8 : 0;
    REQUIRE(std::stod(strength[r][3]) == Approx(expected).epsilon(1e-12));
    REQUIRE(std::stod(strength[r][4]) <= std::stod(strength[r][6]) + 1e-9);  // q05 <= q50
    REQUIRE(std::stod(strength[r][6]) <= std::stod(strength[r][8]) + 1e-9);  // q50 <= q95
    ++checked;
  }
  CHECK(checked > 7000);

  // runs.csv's rows are the traced runs' outcomes.csv values.
  const auto runs = csv_rows(one.path() / "e" / "runs.csv");
  for (int i = 0; i < 8; ++i) {
    const auto outcomes = csv_rows(one.path() / "e" / "runs" / std::to_string(i) / "outcomes.csv");
    for (std::size_t r = 1; r < outcomes.size(); ++r) {
      const auto it = std::find(runs[0].begin(), runs[0].end(), outcomes[r][0]);
      REQUIRE(it != runs[0].end());
      CHECK(runs[static_cast<std::size_t>(i) + 1][static_cast<std::size_t>(it - runs[0].begin())] == outcomes[r][1]);
    }
  }
}
