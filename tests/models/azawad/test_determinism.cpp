// Determinism: a run is a function of (scenario, seed, run) alone. Same seed, same bytes; the
// thread count and the backend never show; `azsim rerun` reproduces a folder; another seed
// gives another history.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/exec/executor.hpp"
#include "engine_support.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/run.hpp"

using namespace azsim;
using namespace azsim::azawad;
using azsim::test::run_azsim;
using azsim::test::first_difference;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

std::set<std::string> file_names(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

/// Runs `azsim ARGS`, requiring success.
void azsim_ok(const std::string& args) {
  const auto r = run_azsim(args);
  INFO("azsim " << args << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
}

/// A scenario derived from the historical one with every force and every population
/// multiplied by `factor` (so garrisons stay within the towns' populations), written into
/// `dir` with `base:` pointing at the historical file by its absolute path.
std::filesystem::path write_scaled_scenario(const TempDir& dir, std::int64_t factor) {
  const std::string base = test::source_path("scenarios/azawad-2012-2014.yaml");
  const auto historical = test::load_azawad(base);
  const ScenarioSpec& spec = historical->spec();
  std::string y = "schema_version: 1\nmodel: azawad\nbase: '" + base +
                  "'\nmeta:\n  name: Historical world, forces and people x" + std::to_string(factor) +
                  "\noverrides:\n";
  for (std::size_t i = 0; i < spec.forces.size(); ++i)
    y += "  - {path: 'forces[" + std::to_string(i) + "].fighters', value: " +
         std::to_string(spec.forces[i].fighters * factor) + "}\n";
  for (const NodeSpec& n : spec.nodes)
    for (std::size_t g = 0; g < spec.groups.size(); ++g)
      if (n.population[g] > 0)  // a group the file lists for this node
        y += "  - {path: 'nodes[" + n.id + "].population." + spec.groups[g].id + "', value: " +
             std::to_string(n.population[g] * factor) + "}\n";
  const auto path = dir / "scaled.yaml";
  test::write_text(path, y);
  return path;
}

struct Outputs {
  std::vector<std::string> names;  // every CSV file the run wrote, by name
  std::vector<std::string> files;  // their bytes
  Fighters fighters;
  std::vector<double> treasury, pay;
};

Outputs run_in_process(const ScenarioSpec& spec, rng::RunKey key, const exec::Executor& ex, const TempDir& tmp,
                       const std::string& name) {
  const World w = simulate(spec, spec.parameters, key, ex);
  const auto dir = tmp / name;
  std::filesystem::create_directories(dir);
  write_run_files(w, summarize(w), dir);
  Outputs o;
  o.names = test::csv_files_in(dir);
  for (const auto& f : o.names) o.files.push_back(slurp(dir / f));
  o.fighters = w.fighters;
  o.treasury = w.factions.treasury;
  o.pay = w.factions.pay;
  return o;
}

void require_same(const Outputs& a, const Outputs& b, const std::string& what) {
  INFO(what);
  REQUIRE(a.names == b.names);
  for (std::size_t k = 0; k < a.files.size(); ++k) {
    INFO(a.names[k]);
    CHECK(a.files[k].size() > 20);
    CHECK(first_difference(a.files[k], b.files[k]) == "");
  }
  // Every fighter ends in the same state (the files are aggregates; this is per individual).
  CHECK(first_difference(a.fighters.status, b.fighters.status) == "");
  CHECK(first_difference(a.fighters.faction, b.fighters.faction) == "");
  CHECK(first_difference(a.fighters.location, b.fighters.location) == "");
  CHECK(first_difference(a.fighters.next, b.fighters.next) == "");
  CHECK(first_difference(a.fighters.target, b.fighters.target) == "");
  CHECK(first_difference(a.fighters.arrive_day, b.fighters.arrive_day) == "");
  CHECK(first_difference(a.fighters.recover_day, b.fighters.recover_day) == "");
  CHECK(first_difference(a.fighters.key, b.fighters.key) == "");
  CHECK(first_difference(a.treasury, b.treasury) == "");
  CHECK(first_difference(a.pay, b.pay) == "");
}

}  // namespace

TEST_CASE("azsim run: the same seed writes the same bytes and rerun reproduces the folder", "[engine][determinism]") {
  TempDir tmp;
  const std::string scenario = "scenarios/azawad-2012-2014.yaml";
  const auto a = tmp / "a", b = tmp / "b", c = tmp / "c", again = tmp / "again", other = tmp / "other";
  azsim_ok("run " + scenario + " --seed 7 --out '" + a.string() + "' -q");
  azsim_ok("run " + scenario + " --seed 7 --out '" + b.string() + "' -q");
  azsim_ok("run " + scenario + " --seed 7 --threads 2 --out '" + c.string() + "' -q");
  const auto csvs = test::csv_files_in(a);
  for (const auto& f : test::run_csv_files()) CHECK(std::find(csvs.begin(), csvs.end(), f) != csvs.end());
  CHECK(csvs == test::csv_files_in(b));
  CHECK(csvs == test::csv_files_in(c));
  for (const auto& f : csvs) {
    INFO(f);
    const std::string first = slurp(a / f);
    CHECK(first.size() > 20);
    CHECK(first_difference(first, slurp(b / f)) == "");
    CHECK(first_difference(first, slurp(c / f)) == "");
  }
  CHECK(first_difference(slurp(a / "manifest.json"), slurp(b / "manifest.json")) == "");
  CHECK(std::filesystem::exists(a / "run-info.json"));

  {  // rerun reproduces every file but run-info.json
    azsim_ok("rerun '" + (a / "manifest.json").string() + "' --out '" + again.string() + "' -q");
    const auto names = file_names(a);
    CHECK(names == file_names(again));
    CHECK(names.size() >= 7);  // the CSV files, manifest.json and run-info.json
    CHECK(names.count("manifest.json") == 1);
    CHECK(names.count("run-info.json") == 1);
    for (const auto& f : names) {
      if (f == "run-info.json") continue;
      INFO(f);
      CHECK(first_difference(slurp(a / f), slurp(again / f)) == "");
    }
  }

  {  // another seed gives another history
    azsim_ok("run " + scenario + " --seed 8 --out '" + other.string() + "' -q");
    CHECK(first_difference(slurp(a / "events.csv"), slurp(other / "events.csv")) != "");
    CHECK(first_difference(slurp(a / "strength.csv"), slurp(other / "strength.csv")) != "");
    // The manifests differ only in the seed.
    std::string m7 = slurp(a / "manifest.json"), m8 = slurp(other / "manifest.json");
    const auto at = m7.find("\"seed\": 7");
    REQUIRE(at != std::string::npos);
    m7.replace(at, 9, "\"seed\": 8");
    CHECK(first_difference(m7, m8) == "");
  }
}

TEST_CASE("another run index of the same seed gives another history", "[engine][determinism]") {
  // A small recruitment rate keeps these four runs fast (minimal.yaml's own swells the armies
  // to millions: see test_invariants.cpp).
  const auto scenario =
      test::load_azawad("tests/data/good/minimal.yaml", {"parameters.fighters.recruitment_rate.value=0.0005"});
  const ScenarioSpec& spec = scenario->spec();
  const exec::Executor ex(1);
  const World r0 = simulate(spec, spec.parameters, {7, 0}, ex);
  const World r0_again = simulate(spec, spec.parameters, {7, 0}, ex);
  const World r1 = simulate(spec, spec.parameters, {7, 1}, ex);
  const World s8 = simulate(spec, spec.parameters, {8, 0}, ex);
  CHECK(first_difference(r0.fighters.status, r0_again.fighters.status) == "");
  CHECK(r0.events.size() == r0_again.events.size());
  CHECK(first_difference(r0.fighters.status, r1.fighters.status) != "");
  CHECK(first_difference(r0.fighters.status, s8.fighters.status) != "");
}

TEST_CASE("thread count and backend never change a run of more than 100,000 fighters", "[engine][determinism]") {
  TempDir tmp;
  const auto path = write_scaled_scenario(tmp, 20);
  const auto scaled = test::load_azawad(path.string());
  ScenarioSpec spec = scaled->spec();

  // Big enough that every loop over fighters (grain 2^14) splits into several chunks.
  REQUIRE(spec.total_fighters() > 100000);
  REQUIRE(spec.total_fighters() / (1 << 14) >= 6);
  // Garrisons within the towns' populations (the loader enforces it; the scaling kept it).
  for (std::size_t n = 0; n < spec.nodes.size(); ++n) {
    std::int64_t garrisons = 0;
    for (const auto& f : spec.forces)
      if (static_cast<std::size_t>(f.node) == n) garrisons += f.fighters;
    CHECK(garrisons <= spec.nodes[n].total_population());
  }

  // A whole run of this world takes seconds, and five are needed. Keep its first 200 days and
  // bring the outside shocks forward into them, so that arrivals, air strikes, objectives and
  // mediation are exercised too; targets are scored over the full period, so they go.
  spec.days = 200;
  for (auto& s : spec.interventions) s.day = std::min<Day>(s.day, 60);
  for (auto& m : spec.mediations) {
    m.day = std::min<Day>(m.day, 100);
    m.end_day = std::min<Day>(m.end_day, spec.days - 1);
  }
  spec.targets.clear();

  const rng::RunKey key{7, 3};
  Outputs reference;
  {
    const exec::Executor ex(1, exec::Backend::tbb);
    REQUIRE(ex.effective_concurrency() == 1);
    reference = run_in_process(spec, key, ex, tmp, "tbb1");
  }
  REQUIRE(reference.fighters.size() > 100000);
  // The run did fight: a check on identical quiet histories would prove little.
  const auto events = std::find(reference.names.begin(), reference.names.end(), "events.csv");
  REQUIRE(events != reference.names.end());
  CHECK(reference.files[static_cast<std::size_t>(events - reference.names.begin())].size() > 10000);

  for (int t : {2, 8}) {
    const exec::Executor ex(t, exec::Backend::tbb);
    REQUIRE(ex.effective_concurrency() == t);
    require_same(reference, run_in_process(spec, key, ex, tmp, "tbb" + std::to_string(t)),
                 "tbb with " + std::to_string(t) + " threads");
  }
  {
    const exec::Executor ex(4, exec::Backend::serial);
    REQUIRE(ex.effective_concurrency() == 1);
    require_same(reference, run_in_process(spec, key, ex, tmp, "serial"), "serial backend");
  }
  {
    const exec::Executor ex(3, exec::Backend::threads);
    REQUIRE(ex.effective_concurrency() == 3);
    require_same(reference, run_in_process(spec, key, ex, tmp, "threads3"), "threads backend, 3 threads");
  }
}
