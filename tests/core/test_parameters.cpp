#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/scenario/parameters.hpp"

using namespace azsim;

namespace {
constexpr std::array kTable{
    ParameterInfo{"combat", "rate", "per day", ParameterDomain::positive, "a rate"},
    ParameterInfo{"combat", "share", "share", ParameterDomain::probability, "a probability"},
    ParameterInfo{"civil", "shift", "units", ParameterDomain::real, "anything"},
};

struct Read {
  ParameterSet set;
  Diagnostics diagnostics;
};

Read read(const std::string& text) {
  auto parsed = yaml::parse_text(text, "p.yaml");
  REQUIRE_FALSE(parsed.fatal);
  Read out;
  schema::Reader r(out.diagnostics);
  out.set = read_parameters(r, parsed.root, "parameters", kTable);
  return out;
}

const std::string kValid =
    "combat:\n"
    "  rate: {value: 0.2, unit: per day, prior: {dist: lognormal, median: 0.2, sigma: 1}}\n"
    "  share: {value: 0.3, prior: {dist: beta, alpha: 2, beta: 5}}\n"
    "civil:\n"
    "  shift: {value: -1, prior: {dist: normal, mean: 0, sd: 1, low: -3, high: 3}}\n";
}  // namespace

TEST_CASE("a valid parameters section reads every parameter in table order", "[parameters]") {
  auto r = read(kValid);
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.set.size() == 3);
  CHECK(r.set.items()[0].name == "combat.rate");
  CHECK(r.set.value("civil.shift") == -1.0);
  CHECK(r.set.items()[1].prior.dist == Prior::Dist::beta);
  CHECK(r.set.items()[1].prior.low == 0.0);
  CHECK(r.set.items()[1].prior.high == 1.0);
  CHECK(std::isinf(r.set.items()[0].prior.high));
  CHECK_THROWS_AS(r.set.value("combat.nothing"), std::out_of_range);
}

TEST_CASE("improper priors, values outside them and wrong units are errors", "[parameters]") {
  auto first = [](const std::string& text) {
    auto r = read(text);
    REQUIRE_FALSE(r.diagnostics.empty());
    return r.diagnostics.front().to_string();
  };
  auto with = [&](const std::string& rate, const std::string& share = "{value: 0.3, prior: {dist: beta, alpha: 2, beta: 5}}") {
    return "combat:\n  rate: " + rate + "\n  share: " + share +
           "\ncivil:\n  shift: {value: 0, prior: {dist: normal, mean: 0, sd: 1}}\n";
  };
  CHECK(first(with("{value: 0.2, prior: {dist: uniform, low: 1, high: 1}}")) ==
        "p.yaml:2:29: parameters.combat.rate.prior: an improper prior: uniform needs low < high (got low 1, high 1)");
  CHECK(first(with("{value: 0.2, prior: {dist: normal, mean: 1, sd: -1, low: 0.1}}")) ==
        "p.yaml:2:57: parameters.combat.rate.prior.sd: must be > 0 (got -1)");
  CHECK(first(with("{value: 5, prior: {dist: lognormal, median: 1, sigma: 1, high: 2}}")) ==
        "p.yaml:2:17: parameters.combat.rate.value: must lie within its prior's support [0, 2] (got 5)");
  CHECK(first(with("{value: 0.2, prior: {dist: uniform, low: 0, high: 1}}")).find(
            "leaves the parameter's domain: combat.rate must be positive") != std::string::npos);
  CHECK(first(with("{value: 0.2, prior: {dist: lognormal, median: 1, sigma: 1}}",
                   "{value: 0.3, prior: {dist: normal, mean: 0.5, sd: 1}}"))
            .find("combat.share must be a probability, between 0 and 1") != std::string::npos);
  CHECK(first(with("{value: 0.2, unit: per week, prior: {dist: lognormal, median: 1, sigma: 1}}")) ==
        "p.yaml:2:28: parameters.combat.rate.unit: the model measures combat.rate in 'per day' (got 'per week')");
  CHECK(first(with("{value: 0.2, prior: {dist: gamma, k: 1}}")).find("expected one of uniform, normal, lognormal, beta") !=
        std::string::npos);
}

TEST_CASE("missing and unknown parameters", "[parameters]") {
  auto r = read("combat:\n  rate: {value: 0.2, prior: {dist: lognormal, median: 0.2, sigma: 1}}\n"
                "  shares: {value: 0.3, prior: {dist: beta, alpha: 2, beta: 5}}\n");
  REQUIRE(r.diagnostics.size() == 3);
  CHECK(r.diagnostics.items()[0].to_string() ==
        "p.yaml:2:3: parameters.combat: missing required key 'share' (the parameter combat.share (share))");
  CHECK(r.diagnostics.items()[1].to_string() ==
        "p.yaml:3:3: parameters.combat: unknown key 'shares' (did you mean 'share'?)");
  CHECK(r.diagnostics.items()[2].message == "missing required key 'civil' (the 'civil' parameters)");
}

TEST_CASE("with_values replaces every value in order and keeps names, priors and flags", "[parameters]") {
  auto r = read(kValid);
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.set.size() == 3);
  // 7 lies outside civil.shift's prior [-3, 3]: with_values does not check, the model does.
  const std::vector<double> values{0.5, 0.9, 7.0};
  const ParameterSet s = r.set.with_values(values);
  REQUIRE(s.size() == 3);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Parameter &a = s.items()[i], &b = r.set.items()[i];
    CHECK(a.name == b.name);
    CHECK(a.value == values[i]);
    CHECK(a.prior.dist == b.prior.dist);
    CHECK(a.prior.low == b.prior.low);
    CHECK(a.prior.high == b.prior.high);
    CHECK(a.info == b.info);
    CHECK(a.calibrate == b.calibrate);
  }
  CHECK(s.value("combat.share") == 0.9);
  CHECK(r.set.value("combat.share") == 0.3);  // the original is untouched
  CHECK(r.set.with_values(std::vector<double>{0.2, 0.3, -1.0}).value("civil.shift") == -1.0);
}

TEST_CASE("with_values needs exactly one value per parameter", "[parameters]") {
  auto r = read(kValid);
  REQUIRE(r.set.size() == 3);
  CHECK_THROWS_AS(r.set.with_values(std::vector<double>{0.2, 0.3}), std::invalid_argument);
  CHECK_THROWS_WITH(r.set.with_values(std::vector<double>(4, 0.1)),
                    "wrong number of parameter values: 4 for 3 parameters");
  CHECK(ParameterSet{}.with_values({}).size() == 0);
}
