// Reading civil_violence scenarios: the shipped ones are valid; each broken one is refused
// with every problem at once, each naming file:line:col: key.path.

#include <catch2/catch.hpp>

#include <string>

#include "support.hpp"
#include "core/error.hpp"
#include "models/civil_violence/parameters.hpp"

using namespace azsim;
using azsim::test::TempDir;

namespace {

/// The parameters section of scenarios/civil-violence.yaml, as a block to paste.
std::string parameters_block(const std::string& legitimacy = "0.8") {
  return "parameters:\n"
         "  population:\n"
         "    citizen_density: {value: 0.7, prior: {dist: uniform, low: 0.6, high: 0.8}}\n"
         "    cop_density: {value: 0.074, prior: {dist: uniform, low: 0.03, high: 0.12}}\n"
         "  citizens:\n"
         "    legitimacy: {value: " + legitimacy + ", prior: {dist: uniform, low: 0.6, high: 0.95}}\n"
         "    threshold: {value: 0.1, prior: {dist: uniform, low: 0.05, high: 0.15}}\n"
         "    arrest_constant: {value: 2.3, prior: {dist: lognormal, median: 2.3, sigma: 0.25}}\n"
         "    vision: {value: 7, prior: {dist: uniform, low: 4, high: 10}}\n"
         "  cops:\n"
         "    vision: {value: 7, prior: {dist: uniform, low: 4, high: 10}}\n"
         "    max_jail_term: {value: 1000, prior: {dist: uniform, low: 10, high: 2000}}\n";
}

const std::string kHead =
    "schema_version: 1\n"      // line 1
    "model: civil_violence\n"  // 2
    "meta: {name: t}\n";       // 3

/// The diagnostics of loading `text`, or "" when it loads.
std::string errors_of(const TempDir& dir, const std::string& text) {
  const std::string path = dir.write("s.yaml", text);
  try {
    (void)test::load_cv(path);
    return "";
  } catch (const ScenarioError& e) {
    std::string out = e.diagnostics().to_string();
    // Name the file as the test wrote it.
    for (std::size_t at; (at = out.find(path)) != std::string::npos;) out.replace(at, path.size(), "s.yaml");
    return out;
  }
}

}  // namespace

TEST_CASE("civil_violence: the shipped scenarios are valid", "[civil_violence][schema]") {
  for (const char* f : {"scenarios/civil-violence.yaml", "scenarios/civil-violence/crisis.yaml",
                        "scenarios/civil-violence/crisis-one-jump.yaml", "scenarios/civil-violence/crisis-small-steps.yaml"}) {
    INFO(f);
    const auto s = test::load_cv(f);
    CHECK(s->parameters().size() == civil_violence::parameter_table().size());
    CHECK(s->spec().width == 40);
    CHECK(s->spec().steps == 200);
  }
  const auto jump = test::load_cv("scenarios/civil-violence/crisis-one-jump.yaml");
  REQUIRE(jump->spec().shocks.size() == 1);
  CHECK(jump->spec().shocks[0].step == 77);
  CHECK(jump->spec().shocks[0].legitimacy == 0.7);
  CHECK(jump->parameters().value("citizens.legitimacy") == 0.9);
  const auto steps = test::load_cv("scenarios/civil-violence/crisis-small-steps.yaml");
  REQUIRE(steps->spec().shocks.size() == 1);
  CHECK(steps->spec().shocks[0].over == 70);
}

TEST_CASE("civil_violence: a minimal scenario loads, movement and outputs have defaults", "[civil_violence][schema]") {
  TempDir dir;
  const std::string text = kHead + "world: {width: 40, height: 40, steps: 200}\n" + parameters_block();
  REQUIRE(errors_of(dir, text).empty());
  const auto s = test::load_cv(dir.write("s.yaml", text));
  CHECK(s->spec().movement);
  CHECK(s->spec().outburst_share == 0.05);
  CHECK(s->spec().shocks.empty());
}

TEST_CASE("civil_violence: broken scenarios name file:line:col: key.path", "[civil_violence][schema]") {
  TempDir dir;
  SECTION("grid too wide, steps missing, unknown key with a suggestion") {
    const auto e = errors_of(dir, kHead + "world: {width: 65, height: 40, movment: false}\n" + parameters_block());
    CHECK_THAT(e, Catch::Contains("s.yaml:4:16: world.width: must be"));
    CHECK_THAT(e, Catch::Contains("world: missing required key 'steps'"));
    CHECK_THAT(e, Catch::Contains("s.yaml:4:32: world: unknown key 'movment' (did you mean 'movement'?)"));
  }
  SECTION("a vision that does not fit the grid, and densities over 1") {
    const auto f = errors_of(dir, kHead + "world: {width: 12, height: 40, steps: 10}\n" + parameters_block());
    CHECK_THAT(f, Catch::Contains("s.yaml:13:21: parameters.citizens.vision.value: rounds to 7 cells; on a 12 x 40 torus a vision must be from 1 to 5"));
    CHECK_THAT(f, Catch::Contains("parameters.cops.vision.value: rounds to 7 cells"));
    std::string dense = parameters_block();
    dense.replace(dense.find("value: 0.074"), 12, "value: 0.4  ");
    dense.replace(dense.find("low: 0.03, high: 0.12"), 21, "low: 0.03, high: 0.5 ");
    const auto g = errors_of(dir, kHead + "world: {width: 40, height: 40, steps: 10}\n" + dense);
    CHECK_THAT(g, Catch::Contains("s.yaml:8:26: parameters.population.cop_density.value: citizen_density + cop_density must be at most 1 (got 0.7 + 0.4)"));
  }
  SECTION("shocks: out of order, out of range, overlapping, beyond the last step") {
    const auto e = errors_of(dir, kHead + "world: {width: 40, height: 40, steps: 100}\n" +
                                      "shocks:\n"                                              // 5
                                      "  - {step: 50, legitimacy: 0.6, over: 10}\n"            // 6
                                      "  - {step: 55, legitimacy: 0.5}\n"                      // 7
                                      "  - {step: 90, legitimacy: 1.5}\n"                      // 8
                                      "  - {step: 95, legitimacy: 0.5, over: 10}\n"            // 9
                                      "  - {step: 0, legitimacy: 0.5, size: 2}\n" +            // 10
                                      parameters_block());
    CHECK_THAT(e, Catch::Contains("s.yaml:7:12: shocks[1].step: starts at step 55, before shocks[0] is over (step 59); shocks must be in step order and must not overlap"));
    CHECK_THAT(e, Catch::Contains("s.yaml:8:28: shocks[2].legitimacy: must be between 0 and 1 (got 1.5)"));
    CHECK_THAT(e, Catch::Contains("s.yaml:9:39: shocks[3].over: the change would end at step 104, after the last step (100)"));
    CHECK_THAT(e, Catch::Contains("s.yaml:10:12: shocks[4].step: must be"));
    CHECK_THAT(e, Catch::Contains("shocks[4]: unknown key 'size'"));
  }
  SECTION("a parameter missing, a prior outside the domain") {
    std::string p = parameters_block();
    p.erase(p.find("    threshold:"), p.find("    arrest_constant:") - p.find("    threshold:"));
    p.replace(p.find("low: 0.6, high: 0.95"), 20, "low: 0.6, high: 1.5 ");
    const auto e = errors_of(dir, kHead + "world: {width: 40, height: 40, steps: 100}\n" + p);
    CHECK_THAT(e, Catch::Contains("parameters.citizens: missing required key 'threshold'"));
    CHECK_THAT(e, Catch::Contains("parameters.citizens.legitimacy.prior: the prior's support [0.6, 1.5] leaves the parameter's domain"));
  }
}

TEST_CASE("civil_violence: run-time values that cannot build a world are an error, not a crash", "[civil_violence][schema]") {
  const auto s = test::load_cv("scenarios/civil-violence.yaml");
  std::vector<double> v;
  for (const auto& p : s->parameters().items()) v.push_back(p.value);
  v[*s->parameters().index_of("population.cop_density")] = 0.5;
  exec::Executor ex(1);
  RunRequest q;
  q.executor = &ex;
  q.parameter_values = &v;
  CHECK_THROWS_WITH(s->run(q), Catch::Contains("citizen_density + population.cop_density must be at most 1"));
  v[*s->parameters().index_of("population.cop_density")] = 0.074;
  v[*s->parameters().index_of("cops.vision")] = 25;
  CHECK_THROWS_WITH(s->run(q), Catch::Contains("cops.vision 25 rounds to 25"));
}
