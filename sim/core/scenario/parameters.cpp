#include "core/scenario/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/text.hpp"

namespace azsim {

const char* Prior::name(Dist d) noexcept {
  switch (d) {
    case Dist::uniform: return "uniform";
    case Dist::normal: return "normal";
    case Dist::lognormal: return "lognormal";
    case Dist::beta: return "beta";
  }
  return "?";
}

std::optional<std::size_t> ParameterSet::index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (items_[i].name == name) return i;
  return std::nullopt;
}

double ParameterSet::value(std::string_view name) const {
  if (auto i = index_of(name)) return items_[*i].value;
  throw std::out_of_range("no parameter named " + std::string(name));
}

ParameterSet ParameterSet::with_values(std::span<const double> values) const {
  if (values.size() != items_.size())
    throw std::invalid_argument("wrong number of parameter values: " + std::to_string(values.size()) +
                                " for " + std::to_string(items_.size()) + " parameters");
  std::vector<Parameter> items = items_;
  for (std::size_t i = 0; i < items.size(); ++i) items[i].value = values[i];
  return ParameterSet(std::move(items));
}

namespace {
using schema::Bounds;
using schema::MapReader;
using schema::Reader;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::optional<Prior> read_prior(Reader& r, const yaml::Node& node, const std::string& path) {
  MapReader m(r, node, path, "a prior {dist, ...}");
  if (!m.ok()) return std::nullopt;
  static constexpr std::string_view kDists[] = {"uniform", "normal", "lognormal", "beta"};
  auto dist = m.choice("dist", kDists);
  if (!dist) {
    m.allow({"low", "high", "mean", "sd", "median", "sigma", "alpha", "beta"});
    m.finish();
    return std::nullopt;
  }
  Prior p;
  bool ok = true;
  auto need = [&](std::string_view key, const Bounds& b) {
    auto v = m.number(key, b);
    ok = ok && v.has_value();
    return v.value_or(0.0);
  };
  auto bound = [&](std::string_view key) { return m.number(key, {}, false); };
  if (*dist == "uniform") {
    p.dist = Prior::Dist::uniform;
    p.a = need("low", {});
    p.b = need("high", {});
    if (ok && !(p.a < p.b)) {
      r.error(node, path, "an improper prior: uniform needs low < high (got low " +
                              format_number(p.a) + ", high " + format_number(p.b) + ")");
      ok = false;
    }
    p.low = p.a, p.high = p.b;
  } else {
    std::optional<double> lo, hi;
    if (*dist == "normal") {
      p.dist = Prior::Dist::normal;
      p.a = need("mean", {});
      p.b = need("sd", Bounds::above(0));
      lo = bound("low"), hi = bound("high");
      p.low = lo.value_or(-kInf), p.high = hi.value_or(kInf);
    } else if (*dist == "lognormal") {
      p.dist = Prior::Dist::lognormal;
      p.a = need("median", Bounds::above(0));
      p.b = need("sigma", Bounds::above(0));
      lo = bound("low"), hi = bound("high");
      p.low = lo.value_or(0.0), p.high = hi.value_or(kInf);
      if (lo && *lo < 0) {
        r.error(*m.optional("low"), m.path("low"),
                "a lognormal's support is positive: low must be >= 0 (got " + format_number(*lo) + ")");
        ok = false;
      }
    } else {
      p.dist = Prior::Dist::beta;
      p.a = need("alpha", Bounds::above(0));
      p.b = need("beta", Bounds::above(0));
      lo = bound("low"), hi = bound("high");
      p.low = lo.value_or(0.0), p.high = hi.value_or(1.0);
    }
    if (ok && !(p.low < p.high)) {
      r.error(node, path, "an improper prior: its bounds leave nothing (low " + format_number(p.low) +
                              " must be < high " + format_number(p.high) + ")");
      ok = false;
    }
  }
  m.finish();
  if (!ok) return std::nullopt;
  return p;
}

const char* domain_rule(ParameterDomain d) {
  switch (d) {
    case ParameterDomain::probability: return "a probability, between 0 and 1";
    case ParameterDomain::positive: return "positive";
    case ParameterDomain::non_negative: return "non-negative";
    case ParameterDomain::real: return "a real number";
  }
  return "?";
}

bool in_domain(ParameterDomain d, const Prior& p) {
  const double lo = p.low, hi = p.high;
  switch (d) {
    case ParameterDomain::probability: return lo >= 0 && hi <= 1;
    // A lognormal's density is zero at 0, so a lower bound of 0 still keeps it positive.
    case ParameterDomain::positive: return lo > 0 || (lo == 0 && p.dist == Prior::Dist::lognormal);
    case ParameterDomain::non_negative: return lo >= 0;
    case ParameterDomain::real: return true;
  }
  return false;
}
/// The node to blame when a prior leaves the domain: the bound that does, else the prior.
const yaml::Node& domain_culprit(const yaml::Node& prior_node, ParameterDomain d, const Prior& p) {
  const bool low_bad =
      (d == ParameterDomain::positive && p.low <= 0 && p.dist != Prior::Dist::lognormal) ||
      ((d == ParameterDomain::probability || d == ParameterDomain::non_negative) && p.low < 0);
  const bool high_bad = d == ParameterDomain::probability && p.high > 1;
  if (prior_node.is_map()) {
    if (low_bad)
      if (const yaml::Node* n = prior_node.find("low")) return *n;
    if (high_bad)
      if (const yaml::Node* n = prior_node.find("high")) return *n;
  }
  return prior_node;
}
}  // namespace

ParameterSet read_parameters(Reader& r, const yaml::Node& node, const std::string& path,
                             ParameterTable table) {
  std::vector<Parameter> out;
  MapReader groups(r, node, path, "a mapping of process -> parameter -> {value, prior}");
  if (!groups.ok()) return ParameterSet{};

  // Group by group name, in table order.
  std::vector<std::string> group_names;
  for (const auto& info : table)
    if (std::find(group_names.begin(), group_names.end(), info.group) == group_names.end())
      group_names.emplace_back(info.group);

  for (const auto& g : group_names) {
    const yaml::Node* gnode = groups.required(g, "the '" + g + "' parameters");
    if (!gnode) continue;
    MapReader params(r, *gnode, groups.path(g));
    if (!params.ok()) continue;
    for (const auto& info : table) {
      if (info.group != g) continue;
      const std::string full = g + "." + std::string(info.name);
      const yaml::Node* pnode =
          params.required(info.name, "the parameter " + full + " (" + std::string(info.unit) + ")");
      if (!pnode) continue;
      const std::string ppath = params.path(info.name);
      MapReader pm(r, *pnode, ppath, "{value, prior, unit?, why?, source?, calibrate?}");
      if (!pm.ok()) continue;
      auto value = pm.number("value", {});
      const yaml::Node* prior_node = pm.required("prior", "a prior {dist: uniform|normal|lognormal|beta, ...}");
      auto unit = pm.string("unit", false);
      pm.strings("why");
      pm.strings("source");
      pm.strings("assumption");
      const bool calibrate = pm.boolean("calibrate", false).value_or(false);
      pm.finish();
      if (unit && *unit != info.unit)
        r.error(*pm.optional("unit"), pm.path("unit"),
                "the model measures " + full + " in '" + std::string(info.unit) + "' (got '" +
                    *unit + "')");
      std::optional<Prior> prior = prior_node ? read_prior(r, *prior_node, pm.path("prior")) : std::nullopt;
      if (prior && !in_domain(info.domain, *prior))
        r.error(domain_culprit(*prior_node, info.domain, *prior), pm.path("prior"),
                "the prior's support [" + format_number(prior->low) + ", " +
                    format_number(prior->high) + "] leaves the parameter's domain: " + full +
                    " must be " + domain_rule(info.domain) + "; set low/high");
      if (value && prior && !prior->contains(*value))
        r.error(*pm.optional("value"), pm.path("value"),
                "must lie within its prior's support [" + format_number(prior->low) + ", " +
                    format_number(prior->high) + "] (got " + format_number(*value) + ")");
      if (value && prior) out.push_back(Parameter{full, *value, *prior, &info, calibrate});
    }
    params.finish();
  }
  groups.finish();
  return ParameterSet{std::move(out)};
}

}  // namespace azsim
