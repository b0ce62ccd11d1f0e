// The civil_violence model through the azsim command: the same commands as the war's.

#include <catch2/catch.hpp>

#include "support.hpp"
#include "core/io/csv.hpp"

using azsim::test::run_azsim;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {
void ok(const std::string& args) {
  const auto r = run_azsim(args);
  INFO("azsim " << args << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
}
}  // namespace

TEST_CASE("azsim validate, params and run (single and ensemble) on the civil_violence model", "[civil_violence][cli]") {
  const auto v = run_azsim("validate scenarios/civil-violence.yaml scenarios/civil-violence/crisis-one-jump.yaml");
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.output, Catch::Contains("valid — Civil violence"));
  CHECK_THAT(v.output, Catch::Contains("to 0.7 at step 77"));
  const auto p = run_azsim("params --model civil_violence");
  CHECK(p.exit_code == 0);
  CHECK_THAT(p.output, Catch::Contains("`citizens.arrest_constant`"));
  TempDir dir;
  const auto single = run_azsim("run scenarios/civil-violence.yaml --seed 4 --out " + (dir / "one").string());
  INFO(single.output);
  REQUIRE(single.exit_code == 0);
  CHECK_THAT(single.output, Catch::Contains("mean_active_share"));
  const auto steps = azsim::io::read_csv(slurp(dir / "one" / "steps.csv"));
  REQUIRE(steps.size() == 202);
  CHECK(steps[0] == std::vector<std::string>{"step", "legitimacy", "active", "quiet", "jailed"});
  const auto e = run_azsim("run scenarios/civil-violence.yaml --runs 6 --threads 2 --seed 4 -q --out " + (dir / "e").string());
  INFO(e.output);
  REQUIRE(e.exit_code == 0);
  const auto runs = azsim::io::read_csv(slurp(dir / "e" / "runs.csv"));
  REQUIRE(runs.size() == 7);
  CHECK(runs[0] == std::vector<std::string>{"run", "seed", "mean_active_share", "mean_jailed_share", "peak_active_share",
                                            "peak_step", "outbursts", "final_jailed_share", "citizens", "cops"});
  ok("rerun " + (dir / "e" / "manifest.json").string() + " -q --out " + (dir / "again").string());
  CHECK(slurp(dir / "e" / "runs.csv") == slurp(dir / "again" / "runs.csv"));
  CHECK(slurp(dir / "e" / "states.csv") == slurp(dir / "again" / "states.csv"));
}

TEST_CASE("azsim whatif, eval and sensitivity on the civil_violence model", "[civil_violence][cli]") {
  TempDir dir;
  const auto w = run_azsim("whatif scenarios/civil-violence/crisis.yaml scenarios/civil-violence/crisis-one-jump.yaml --runs 6 --seed 2 --threads 2 --out " +
                           (dir / "w").string());
  INFO(w.output);
  REQUIRE(w.exit_code == 0);
  CHECK_THAT(w.output, Catch::Contains("peak_active_share"));
  const auto table = azsim::io::read_csv(slurp(dir / "w" / "whatif.csv"));
  bool found = false;
  for (const auto& row : table)
    if (row[0] == "mean_jailed_share") {
      found = true;
      CHECK(std::stod(row[13]) > 0);  // the drop fills the jail: a positive paired difference
    }
  CHECK(found);
  const std::string design = dir.write("design.csv", "citizens.legitimacy,cops.vision\n0.7,7\n0.9,5\n");
  ok("eval scenarios/civil-violence.yaml --design " + design + " --replicates 2 -q --out " + (dir / "d").string());
  CHECK(azsim::io::read_csv(slurp(dir / "d" / "runs.csv")).size() == 5);
  ok("sensitivity scenarios/civil-violence.yaml --trajectories 2 --threads 2 -q --out " + (dir / "m").string());
  const auto morris = slurp(dir / "m" / "morris.csv");
  CHECK_THAT(morris, Catch::Contains("citizens.legitimacy"));
  CHECK_THAT(morris, Catch::Contains("mean_jailed_share"));
}
