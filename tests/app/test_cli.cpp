#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "../support.hpp"

using azsim::test::run_azsim;

TEST_CASE("the version flag names the version and the git revision", "[cli]") {
  auto r = run_azsim("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.output.rfind("azsim 0.1.0 (git ", 0) == 0);
}

TEST_CASE("the help flag lists the commands", "[cli]") {
  auto r = run_azsim("--help");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("validate") != std::string::npos);
}

TEST_CASE("validate: 0 when valid, 1 when invalid, 2 on usage errors", "[cli]") {
  auto ok = run_azsim("validate tests/data/good/minimal.yaml tests/data/good/derived.yaml");
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("tests/data/good/minimal.yaml: valid") != std::string::npos);
  CHECK(ok.output.find("factions    4 (1 blocs)") != std::string::npos);
  CHECK(ok.output.find("based on    tests/data/good/minimal.yaml") != std::string::npos);

  auto bad = run_azsim("validate tests/data/good/minimal.yaml --set 'factions[rebels].morale=2'");
  CHECK(bad.exit_code == 1);
  CHECK(bad.output.find("factions[0].morale: must be between 0 and 1 (got 2)") != std::string::npos);

  auto missing = run_azsim("validate tests/data/good/no-such-file.yaml");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("no such file: tests/data/good/no-such-file.yaml") != std::string::npos);

  CHECK(run_azsim("validate").exit_code == 2);
  CHECK(run_azsim("validate --no-such-option x.yaml").exit_code == 2);
  CHECK(run_azsim("frobnicate").exit_code == 2);
  CHECK(run_azsim("").exit_code == 2);
}

TEST_CASE("validate checks every file and reports each", "[cli]") {
  auto r = run_azsim("validate tests/data/good/minimal.yaml tests/data/good/no-such.yaml");
  CHECK(r.exit_code == 2);
  auto mixed = run_azsim("validate tests/data/good/minimal.yaml tests/data/good/derived.yaml "
                         "--set 'nodes[beta].lat=95'");
  CHECK(mixed.exit_code == 1);
  // Both files are reported, each invalid because of the same --set.
  CHECK(mixed.output.find("minimal.yaml: invalid") != std::string::npos);
  CHECK(mixed.output.find("derived.yaml: invalid") != std::string::npos);
}

TEST_CASE("params prints the model's parameter table", "[cli]") {
  auto r = run_azsim("params --model azawad");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("| `combat.attrition_rate` | per day |") != std::string::npos);
  CHECK(run_azsim("params --model nothing").exit_code == 2);
}

TEST_CASE("docs/parameters.md is what the model's table prints", "[cli][docs]") {
  // The document is generated; a change to the table must regenerate it (azsim params > docs/parameters.md).
  std::ifstream in(azsim::test::source_path("docs/parameters.md"));
  std::stringstream committed;
  committed << in.rdbuf();
  CHECK(run_azsim("params --model azawad").output == committed.str());
}
