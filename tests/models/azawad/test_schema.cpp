#include <catch2/catch.hpp>

#include <filesystem>

#include "../../support.hpp"
#include "core/error.hpp"
#include "core/geo.hpp"
#include "models/azawad/model.hpp"
#include "models/azawad/spec.hpp"

using namespace azsim;
using namespace azsim::azawad;

namespace {
const ModelRegistry& registry() {
  static const ModelRegistry r = [] {
    ModelRegistry reg;
    reg.add(make_model());
    return reg;
  }();
  return r;
}

const ScenarioSpec& spec_of(const std::shared_ptr<const LoadedScenario>& s) {
  const auto* a = dynamic_cast<const AzawadScenario*>(s.get());
  REQUIRE(a);
  return a->spec();
}

std::string first_error(const std::string& path, std::vector<std::string> sets) {
  try {
    (void)load_scenario(registry(), path, sets);
  } catch (const ScenarioError& e) {
    return e.diagnostics().front().to_string();
  }
  return "";
}
}  // namespace

TEST_CASE("the minimal scenario reads into a spec with day indices and resolved ids", "[schema]") {
  auto loaded = load_scenario(registry(), test::source_path("tests/data/good/minimal.yaml"));
  const ScenarioSpec& s = spec_of(loaded);
  CHECK(s.days == 366);  // 2000 is a leap year
  REQUIRE(s.factions.size() == 4);
  CHECK(s.factions[1].id == "zealots");
  CHECK(s.factions[3].kind == FactionKind::outside);
  CHECK_FALSE(s.factions[3].recruits_locally);
  CHECK(s.factions[1].bombs);        // an insurgent bombs unless told otherwise
  CHECK_FALSE(s.factions[2].bombs);  // a state does not
  CHECK(s.blocs[0].members == std::vector<Index>{0, 1});
  CHECK(s.nodes[2].hq_of == std::vector<Index>{s.faction_index("army")});
  CHECK(s.nodes[3].controller == kNone);
  CHECK(s.nodes[0].total_population() == 20000);
  CHECK(s.total_fighters() == 1450);
  REQUIRE(s.interventions.size() == 1);
  CHECK(s.interventions[0].day == 182);  // 2000-07-01
  CHECK(s.interventions[0].objectives.size() == 3);
  REQUIRE(s.mediations.size() == 1);
  CHECK(s.mediations[0].end_day == 365);
  CHECK(s.relations.size() == 4);
  CHECK(s.parameters.size() == loaded->parameters().size());
  REQUIRE(s.targets.size() == 2);
  const ClauseSpec& evac = s.targets[1].clauses[0];
  CHECK(evac.kind == ClauseKind::evacuation);
  CHECK(evac.ref.target == 0);
  CHECK(evac.ref.clause == 0);
  CHECK(evac.ref_max_days == 7);
  const ClauseSpec& fall = s.targets[0].clauses[0];
  CHECK(fall.window_start == 31);
  CHECK(fall.to.factions == std::vector<Index>{s.faction_index("army")});
  CHECK(fall.battle_within_days == 3);
}

TEST_CASE("a derived scenario changes exactly what its overrides say", "[schema]") {
  const auto base = spec_of(load_scenario(registry(), test::source_path("tests/data/good/minimal.yaml")));
  const auto derived = spec_of(load_scenario(registry(), test::source_path("tests/data/good/derived.yaml")));
  CHECK(derived.name == "Derived test world");
  CHECK(derived.factions[0].pay_cfa_per_day == 1500);
  CHECK(base.factions[0].pay_cfa_per_day == 500);
  CHECK(derived.interventions.empty());
  CHECK(derived.mediations.size() == 2);
  CHECK(derived.parameters.value("combat.attrition_rate") == 2.5);
  CHECK(derived.nodes.size() == base.nodes.size());
}

TEST_CASE("semantic checks of the azawad schema", "[schema]") {
  const std::string m = test::source_path("tests/data/good/minimal.yaml");
  auto err = [&](std::string set) { return first_error(m, {std::move(set)}); };
  CHECK(err("forces[0].fighters=25000").find("forces[0]: garrisons at 'alpha' total 25000 fighters, more than its population of 20000") !=
        std::string::npos);
  CHECK(err("edges[1].km=100").find("edges[1].km: shorter than the straight line between 'beta' and 'gamma'") !=
        std::string::npos);
  CHECK(err("shocks[landing].date=2001-01-01").find("date 2001-01-01 is outside the scenario (2000-01-01 to 2000-12-31)") !=
        std::string::npos);
  CHECK(err("forces[0].ethnicity={north: 0.5, south: 0.4}").find("shares must sum to 1 (got 0.9)") != std::string::npos);
  CHECK(err("forces[0].faction=helpers").find("is an outside faction") != std::string::npos);
  CHECK(err("shocks[landing].faction=army").find("an intervention brings an outside faction") != std::string::npos);
  CHECK(err("targets[T2].all[0].after.clause=T1.nothing").find("target 'T1' has no clause 'nothing' (did you mean") ==
        std::string::npos);  // too far from 'beta_falls' for a suggestion
  CHECK(err("targets[T2].all[0].after.clause=T1.beta_fall").find("(did you mean 'beta_falls'?)") != std::string::npos);
  CHECK(err("targets[T1].all[beta_falls].window=[2000-05-01, 2000-04-01]").find("the window ends before it starts") !=
        std::string::npos);
  CHECK(err("targets[T1].all[beta_falls].node=deltta").find("unknown node 'deltta'") != std::string::npos);
  CHECK(err("relations[0].factions=[rebels, rebels]").find("'rebels' is listed twice") != std::string::npos);
  CHECK(err("communities.support[0].value=0.7").empty());
  CHECK(err("communities.support=[{group: north, faction: rebels, value: 0.7, assumption: x}, "
            "{group: north, faction: zealots, value: 0.6, assumption: x}]")
            .find("support of group 'north' at node 'alpha' sums to 1.3 over factions") != std::string::npos);
  CHECK(err("nodes[alpha].source=[]").empty() == false);
}

TEST_CASE("bombs: an insurgent may say false, a state may not say true", "[schema]") {
  const std::string text = test::slurp(test::source_path("tests/data/good/minimal.yaml"));
  auto with_line_after = [&](const std::string& faction, const std::string& line) {
    const std::size_t at = text.find("kind:", text.find("  - id: " + faction + "\n"));
    REQUIRE(at != std::string::npos);
    const std::size_t eol = text.find('\n', at) + 1;
    return text.substr(0, eol) + "    " + line + "\n" + text.substr(eol);
  };
  const test::TempDir dir;
  const std::string quiet = dir.write("quiet.yaml", with_line_after("zealots", "bombs: false"));
  auto loaded = load_scenario(registry(), quiet);
  CHECK_FALSE(spec_of(loaded).factions[1].bombs);
  const std::string bad = dir.write("bad.yaml", with_line_after("army", "bombs: true"));
  CHECK(first_error(bad, {}).find(":40:12: factions[2].bombs: only an insurgent faction strikes from refuges") != std::string::npos);
}

TEST_CASE("every scenario under scenarios/ validates", "[schema][scenarios]") {
  namespace fs = std::filesystem;
  int count = 0;
  for (const auto& dir : {"scenarios", "scenarios/counterfactuals"}) {
    const fs::path p = test::source_path(dir);
    if (!fs::exists(p)) continue;
    for (const auto& entry : fs::directory_iterator(p)) {
      if (entry.path().extension() != ".yaml") continue;
      if (test::slurp(entry.path()).find("\nmodel: azawad") == std::string::npos) continue;  // another model's
      INFO(entry.path().string());
      CHECK_NOTHROW(load_scenario(registry(), entry.path().string()));
      ++count;
    }
  }
  CHECK(count >= 1);
}
