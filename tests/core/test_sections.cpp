#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/scenario/sections.hpp"

using namespace azsim;
using schema::MapReader;

namespace {
constexpr std::array kTable{
    ParameterInfo{"combat", "rate", "per day", ParameterDomain::positive, "a rate"},
};

Document document(const std::string& text) {
  auto parsed = yaml::parse_text(text, "s.yaml");
  INFO(parsed.diagnostics.to_string());
  REQUIRE_FALSE(parsed.fatal);
  Document d;
  d.root = std::move(parsed.root);
  d.model = "toy";
  return d;
}

/// A toy model's description: what read_document returns and SpecScenario holds.
struct ToySpec {
  std::string name;
  std::string description;
  double size = 0;
  ParameterSet parameters;
};

ToySpec read_toy(const Document& doc) {
  return schema::read_document(doc, [](MapReader& top) {
    ToySpec spec;
    const auto meta = schema::read_meta(top, "name, sources?");
    spec.name = meta.name;
    spec.description = meta.description;
    spec.size = top.number("size", schema::Bounds::at_least(0)).value_or(0);
    spec.parameters = schema::read_parameters_section(top, kTable);
    return spec;
  });
}

/// Every diagnostic of a ScenarioError, one "line:col: path: message" each.
std::vector<std::string> errors_of(const std::string& text) {
  try {
    (void)read_toy(document(text));
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics().items()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

const std::string kParameters =
    "parameters:\n  combat:\n    rate: {value: 2, prior: {dist: uniform, low: 1, high: 3}}\n";
}  // namespace

TEST_CASE("read_document returns what the model read when the document is valid", "[sections]") {
  const ToySpec s = read_toy(document(
      "schema_version: 1\nmodel: toy\n"
      "meta:\n  name: A toy\n  description: small\n  questions: [What does it show]\n"
      "  sources: [{id: a, cite: A book}, {id: b, cite: A paper, url: 'https://example.org'}]\n"
      "size: 4\n" +
      kParameters));
  CHECK(s.name == "A toy");
  CHECK(s.description == "small");
  CHECK(s.size == 4);
  REQUIRE(s.parameters.size() == 1);
  CHECK(s.parameters.items()[0].name == "combat.rate");
  CHECK(s.parameters.value("combat.rate") == 2);
}

TEST_CASE("read_document reports every problem, in the order found, and unknown keys last",
          "[sections]") {
  const auto e = errors_of(
      "meta:\n  description: no name\n  sources: [{id: a, cite: x}, {id: a, cite: y}]\n  nmae: "
      "typo\n"
      "size: -1\nsise: 3\n");
  REQUIRE(e.size() == 6);
  CHECK(e[0] == "s.yaml:2:3: meta: missing required key 'name' (text)");
  CHECK(e[1] == "s.yaml:3:36: meta.sources[1].id: duplicate source id 'a'");
  CHECK(e[2] == "s.yaml:4:3: meta: unknown key 'nmae' (did you mean 'name'?)");
  CHECK(e[3] == "s.yaml:5:7: size: must be >= 0 (got -1)");
  CHECK(
      e[4] ==
      "s.yaml:1:1: missing required key 'parameters' (every parameter of the model with a prior)");
  CHECK(e[5] == "s.yaml:6:1: unknown key 'sise' (did you mean 'size'?)");
}

TEST_CASE("read_document: a document that is not a mapping, and a missing meta", "[sections]") {
  const auto not_map = errors_of("- a\n- b\n");
  REQUIRE(not_map.size() == 1);
  CHECK_THAT(not_map[0], Catch::Contains("expected a scenario (a mapping of sections), got"));
  const auto no_meta = errors_of("size: 1\n" + kParameters);
  REQUIRE(no_meta.size() == 1);
  CHECK_THAT(no_meta[0], Catch::EndsWith(": missing required key 'meta' (name, sources?)"));
}

TEST_CASE("read_meta reads a model's own meta keys between description and the rest",
          "[sections]") {
  const Document doc = document("meta: {name: N, start: 3, extra: 1, questions: q}\n");
  std::vector<std::string> read_by_model;
  Diagnostics d;
  schema::Reader r(d);
  MapReader top(r, doc.root, "");
  const auto meta = schema::read_meta(top, "name", [&](MapReader& m) {
    CHECK(m.path() == "meta");
    if (auto v = m.integer("start", 0, 10)) read_by_model.push_back("start=" + std::to_string(*v));
  });
  top.finish();
  CHECK(meta.name == "N");
  CHECK(meta.description.empty());
  CHECK(read_by_model == std::vector<std::string>{"start=3"});
  // `start` is known because the model asked for it; `extra` is not.
  REQUIRE(d.size() == 1);
  CHECK(d.front().message == "unknown key 'extra'");
}

TEST_CASE("SpecScenario gives the document, the spec, its name and its parameters",
          "[sections][model]") {
  class ToyScenario final : public SpecScenario<ToySpec> {
   public:
    using SpecScenario::SpecScenario;
    [[nodiscard]] std::vector<SummaryItem> summary() const override {
      return {{"size", std::to_string(spec().size)}};
    }
    [[nodiscard]] RunSummary run(const RunRequest&) const override { return {}; }
  };
  Document doc = document("meta: {name: Toy}\nsize: 2\n" + kParameters);
  ToySpec spec = read_toy(doc);
  const ToyScenario s(std::move(doc), std::move(spec));
  const LoadedScenario& loaded = s;
  CHECK(loaded.name() == "Toy");
  CHECK(loaded.document().model == "toy");
  CHECK(loaded.document().root.find("size") != nullptr);
  CHECK(&loaded.parameters() == &s.spec().parameters);
  CHECK(loaded.parameters().value("combat.rate") == 2);
  CHECK(s.spec().size == 2);
}
