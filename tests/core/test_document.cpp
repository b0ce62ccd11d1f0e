#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "../support.hpp"
#include "core/error.hpp"
#include "core/scenario/document.hpp"

using namespace azsim;

namespace {
std::string first_error(const std::string& path, std::vector<std::string> sets = {}) {
  try {
    (void)load_document(path, sets);
  } catch (const ScenarioError& e) {
    return e.diagnostics().front().to_string();
  }
  return "";
}

const yaml::Node& at(const yaml::Node& n, const std::string& key) {
  const yaml::Node* v = n.find(key);
  REQUIRE(v);
  return *v;
}

const yaml::Node& by_id(const yaml::Node& list, const std::string& id) {
  for (const auto& item : list.items)
    if (item.find("id") && item.find("id")->scalar == id) return item;
  FAIL("no element " << id);
  return list;
}
}  // namespace

TEST_CASE("override paths parse keys, ids and indices", "[document]") {
  std::string err;
  auto steps = parse_override_path("factions[mnla].pay.daily", err);
  REQUIRE(steps.size() == 4);
  CHECK(steps[1].text == "mnla");
  CHECK_FALSE(steps[1].is_key);
  for (const char* bad : {"", ".a", "a..b", "a.", "[x]", "a[", "a[]", "a[b c]", "a b", "a]"}) {
    INFO(bad);
    CHECK(parse_override_path(bad, err).empty());
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("a derived file composes its base: by id, remove, append, meta", "[document]") {
  const Document doc = load_document(test::source_path("tests/data/good/derived.yaml"));
  REQUIRE(doc.chain.size() == 2);
  CHECK(doc.chain[0].path.find("derived.yaml") != std::string::npos);
  CHECK(doc.chain[1].path.find("minimal.yaml") != std::string::npos);
  CHECK(doc.chain[1].sha256.size() == 64);
  CHECK(doc.model == "azawad");
  CHECK(at(doc.root, "meta").find("name")->scalar == "Derived test world");
  CHECK(at(doc.root, "meta").find("start")->scalar == "2000-01-01");  // kept from the base
  CHECK(by_id(at(doc.root, "factions"), "rebels").find("pay_cfa_per_day")->scalar == "1500");
  const auto& shocks = at(doc.root, "shocks");
  REQUIRE(shocks.items.size() == 2);
  CHECK(shocks.items[0].find("id")->scalar == "talks_push");
  CHECK(shocks.items[1].find("id")->scalar == "late_talks");
  // The overriding value remembers where it was written.
  const auto& pay = *by_id(at(doc.root, "factions"), "rebels").find("pay_cfa_per_day");
  CHECK(pay.mark.file->find("derived.yaml") != std::string::npos);
  CHECK(doc.root.find("base") == nullptr);
  CHECK(doc.root.find("overrides") == nullptr);
}

TEST_CASE("a chain of two bases applies in order", "[document]") {
  const Document doc = load_document(test::source_path("tests/data/good/derived2.yaml"));
  REQUIRE(doc.chain.size() == 3);
  CHECK(at(doc.root, "meta").find("name")->scalar == "Twice derived test world");
  CHECK(by_id(at(doc.root, "factions"), "rebels").find("pay_cfa_per_day")->scalar == "1500");
  CHECK(at(by_id(at(doc.root, "nodes"), "alpha"), "population").find("north")->scalar == "6000");
}

TEST_CASE("set-overrides replace values, as YAML, and unknown paths fail", "[document]") {
  const std::string minimal = test::source_path("tests/data/good/minimal.yaml");
  std::vector<std::string> sets{"factions[army].morale=0.9", "shocks[landing].objectives=[alpha, beta]"};
  const Document doc = load_document(minimal, sets);
  CHECK(by_id(at(doc.root, "factions"), "army").find("morale")->scalar == "0.9");
  CHECK(by_id(at(doc.root, "shocks"), "landing").find("objectives")->items.size() == 2);
  CHECK(doc.sets == sets);

  CHECK(first_error(minimal, {"factions[armz].morale=1"}) ==
        "--set factions[armz].morale=1: factions[armz].morale: names nothing that exists: "
        "factions has no element [armz] (did you mean 'army'?)");
  CHECK(first_error(minimal, {"factions[army].moral=1"}) ==
        "--set factions[army].moral=1: factions[army].moral: names nothing that exists: "
        "factions[army] has no key 'moral' (did you mean 'morale'?)");
  CHECK(first_error(minimal, {"no_equals_sign"}).find("expected PATH=VALUE") != std::string::npos);
  CHECK(first_error(minimal, {"meta.name=[unclosed"}).find("VALUE: malformed YAML") != std::string::npos);
  CHECK(first_error(minimal, {"factions[0].morale=1"}).find("select them by id") != std::string::npos);
}

TEST_CASE("a circular base chain and a missing base are errors", "[document]") {
  const auto dir = std::filesystem::temp_directory_path() / "azsim-test-cycle";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.yaml") << "schema_version: 1\nmodel: azawad\nbase: b.yaml\n";
  std::ofstream(dir / "b.yaml") << "schema_version: 1\nmodel: azawad\nbase: a.yaml\n";
  std::ofstream(dir / "c.yaml") << "schema_version: 1\nmodel: azawad\nbase: missing.yaml\n";
  std::ofstream(dir / "self.yaml") << "schema_version: 1\nmodel: azawad\nbase: self.yaml\n";
  CHECK(first_error((dir / "a.yaml").string()).find("base: circular base chain: a.yaml -> b.yaml -> a.yaml") !=
        std::string::npos);
  CHECK(first_error((dir / "self.yaml").string()).find("circular base chain: self.yaml -> self.yaml") !=
        std::string::npos);
  CHECK(first_error((dir / "c.yaml").string()).find(":3:7: base: no such file:") != std::string::npos);
  CHECK_THROWS_AS(load_document((dir / "nope.yaml").string()), UsageError);
  std::filesystem::remove_all(dir);
}
