// Reading a civil_violence scenario: every key checked, every problem reported at once with
// file, line, column and key path (docs/civil-violence.md lists the keys).

#include <cmath>
#include <set>

#include "core/scenario/sections.hpp"
#include "core/text.hpp"
#include "models/civil_violence/parameters.hpp"
#include "models/civil_violence/spec.hpp"

namespace azsim::civil_violence {
namespace {

using schema::Bounds;
using schema::MapReader;
using schema::Node;
using schema::Reader;

class SpecReader {
 public:
  explicit SpecReader(Reader& r) : r_(r) {}

  ScenarioSpec read(MapReader& top) {
    const auto meta = schema::read_meta(top, "name, description?, sources?");
    spec_.name = meta.name;
    spec_.description = meta.description;
    bool grid_ok = false;
    if (const Node* n = top.required("world", "the grid {width, height, steps, movement?}")) grid_ok = read_world(*n);
    if (const Node* n = top.optional("rules")) read_rules(*n);
    if (const Node* n = top.optional("outputs")) read_outputs(*n);
    spec_.parameters = schema::read_parameters_section(top, parameter_table());
    if (const Node* n = top.node().find("parameters"); n && grid_ok) check_parameters(*n);
    if (const Node* n = top.optional("shocks"); n && grid_ok) read_shocks(*n);
    return std::move(spec_);
  }

 private:
  bool read_world(const Node& node) {
    MapReader m(r_, node, "world", "the grid {width, height, steps, movement?}");
    if (!m.ok()) return false;
    const auto width = m.integer("width", 3, 64);  // a row is one 64-bit word
    const auto height = m.integer("height", 3, 4096);
    const auto steps = m.integer("steps", 1, 1'000'000);
    spec_.movement = m.boolean("movement", false).value_or(true);
    m.finish();
    if (!width || !height || !steps) return false;
    spec_.width = static_cast<int>(*width);
    spec_.height = static_cast<int>(*height);
    spec_.steps = *steps;
    return true;
  }

  void read_rules(const Node& node) {
    MapReader m(r_, node, "rules", "{arrest_ratio: round | floor}");
    if (!m.ok()) return;
    static constexpr std::string_view kRatios[] = {"round", "floor"};
    if (auto v = m.choice("arrest_ratio", kRatios, false))
      spec_.arrest_ratio = *v == "floor" ? ArrestRatio::floor : ArrestRatio::round;
    m.finish();
  }

  void read_outputs(const Node& node) {
    MapReader m(r_, node, "outputs", "{outburst_share}");
    if (!m.ok()) return;
    if (auto v = m.number("outburst_share", Bounds{0.0, 1.0, true, false}, false)) spec_.outburst_share = *v;
    m.finish();
  }

  /// The node of `parameters.GROUP.NAME.KEY` (for an error's position), or the parameters node.
  const Node& parameter_node(const Node& params, std::string_view group, std::string_view name, std::string_view key) {
    const Node* g = params.find(group);
    const Node* p = g ? g->find(name) : nullptr;
    const Node* k = p ? p->find(key) : nullptr;
    return k ? *k : p ? *p : params;
  }

  /// What read_parameters cannot know: the visions must fit the grid, the densities must
  /// leave room for each other, for the value and for every value the prior allows (so a
  /// design, a screening or a calibration never draws a world that cannot be built).
  void check_parameters(const Node& params) {
    const ParameterSet& ps = spec_.parameters;
    const int most = max_vision(spec_.width, spec_.height);
    const std::string grid = std::to_string(spec_.width) + " x " + std::to_string(spec_.height);
    for (const char* group : {"citizens", "cops"}) {
      const std::string full = std::string(group) + ".vision";
      const auto i = ps.index_of(full);
      if (!i) continue;
      const Parameter& p = ps.items()[*i];
      const auto fits = [&](double v) { return std::isfinite(v) && std::lround(v) >= 1 && std::lround(v) <= most; };
      if (!fits(p.value))
        r_.error(parameter_node(params, group, "vision", "value"), "parameters." + full + ".value",
                 "rounds to " + std::to_string(std::lround(p.value)) + " cells; on a " + grid +
                     " torus a vision must be from 1 to " + std::to_string(most) + " (a diamond that does not wrap onto itself)");
      else if (!fits(p.prior.low) || !fits(p.prior.high))
        r_.error(parameter_node(params, group, "vision", "prior"), "parameters." + full + ".prior",
                 "its support [" + format_number(p.prior.low) + ", " + format_number(p.prior.high) +
                     "] must round into 1.." + std::to_string(most) + " cells on a " + grid + " torus; set low/high");
    }
    const auto cd = ps.index_of("population.citizen_density"), kd = ps.index_of("population.cop_density");
    if (cd && kd) {
      const Parameter &a = ps.items()[*cd], &b = ps.items()[*kd];
      if (a.value + b.value > 1)
        r_.error(parameter_node(params, "population", "cop_density", "value"), "parameters.population.cop_density.value",
                 "citizen_density + cop_density must be at most 1 (got " + format_number(a.value) + " + " +
                     format_number(b.value) + ")");
      else if (a.prior.high + b.prior.high > 1)
        r_.error(parameter_node(params, "population", "cop_density", "prior"), "parameters.population.cop_density.prior",
                 "the priors' upper ends must sum to at most 1 (citizen_density up to " + format_number(a.prior.high) +
                     ", cop_density up to " + format_number(b.prior.high) + "); set high");
    }
    if (const auto j = ps.index_of("cops.max_jail_term"); j && ps.items()[*j].prior.high > 1e9)
      r_.error(parameter_node(params, "cops", "max_jail_term", "prior"), "parameters.cops.max_jail_term.prior",
               "jail terms are at most 1e9 steps (got a support up to " + format_number(ps.items()[*j].prior.high) +
                   "); set high");
  }

  void read_shocks(const Node& node) {
    std::set<std::string> ids;
    std::int64_t free_from = 1;  // the first step a next shock may start at
    std::string previous;
    schema::for_each_item(r_, node, "shocks", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a shock {step, legitimacy, over?, id?, why?, source?}");
      if (!m.ok()) return;
      LegitimacyShock s;
      if (auto id = m.id("id", false)) {
        if (!ids.insert(*id).second) r_.error(*m.optional("id"), m.path("id"), "duplicate shock id '" + *id + "'");
        s.id = *id;
      }
      const auto step = m.integer("step", 1, spec_.steps);
      const auto over = m.integer("over", 1, spec_.steps, false);
      const auto value = m.number("legitimacy", Bounds::share());
      m.strings("why");
      m.strings("source");
      m.finish();
      if (!step || !value) return;
      s.step = *step;
      s.over = over.value_or(1);
      s.legitimacy = *value;
      if (s.step < free_from) {
        r_.error(*m.optional("step"), m.path("step"),
                 "starts at step " + std::to_string(s.step) + ", before " + previous + " is over (step " +
                     std::to_string(free_from - 1) + "); shocks must be in step order and must not overlap");
        return;
      }
      const std::int64_t end = s.step + s.over - 1;
      if (end > spec_.steps) {
        r_.error(over ? *m.optional("over") : *m.optional("step"), m.path(over ? "over" : "step"),
                 "the change would end at step " + std::to_string(end) + ", after the last step (" +
                     std::to_string(spec_.steps) + ")");
        return;
      }
      free_from = end + 1;
      previous = p;
      spec_.shocks.push_back(s);
    });
  }

  Reader& r_;
  ScenarioSpec spec_;
};

}  // namespace

ScenarioSpec read_spec(const Document& document) {
  return schema::read_document(document,
                               [](MapReader& top) { return SpecReader(top.reader()).read(top); });
}

}  // namespace azsim::civil_violence
