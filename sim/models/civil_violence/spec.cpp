#include "models/civil_violence/spec.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/text.hpp"
#include "models/civil_violence/run.hpp"

namespace azsim::civil_violence {

RunParameters resolve_parameters(const ScenarioSpec& spec, const ParameterSet& parameters) {
  RunParameters p;
  p.citizen_density = parameters.value("population.citizen_density");
  p.cop_density = parameters.value("population.cop_density");
  p.legitimacy = parameters.value("citizens.legitimacy");
  p.threshold = parameters.value("citizens.threshold");
  p.arrest_constant = parameters.value("citizens.arrest_constant");
  const double citizen_vision = parameters.value("citizens.vision");
  const double cop_vision = parameters.value("cops.vision");
  const double jail = parameters.value("cops.max_jail_term");
  if (p.citizen_density + p.cop_density > 1)
    throw Error("population.citizen_density + population.cop_density must be at most 1 (got " +
                format_number(p.citizen_density) + " + " + format_number(p.cop_density) + ")");
  const int most = max_vision(spec.width, spec.height);
  const auto vision = [&](double v, const char* name) {
    const long r = std::lround(v);
    if (!std::isfinite(v) || r < 1 || r > most)
      throw Error(std::string(name) + " " + format_number(v) + " rounds to " + std::to_string(r) + ": a " +
                  std::to_string(spec.width) + " x " + std::to_string(spec.height) + " grid needs a vision from 1 to " +
                  std::to_string(most) + " cells (a diamond that does not wrap onto itself)");
    return static_cast<int>(r);
  };
  p.citizen_vision = vision(citizen_vision, "citizens.vision");
  p.cop_vision = vision(cop_vision, "cops.vision");
  if (!(jail >= 0 && jail <= 1e9)) throw Error("cops.max_jail_term must be between 0 and 1e9 steps (got " + format_number(jail) + ")");
  p.max_jail_term = std::llround(jail);
  return p;
}

std::vector<double> legitimacy_schedule(const ScenarioSpec& spec, double initial) {
  std::vector<double> out(static_cast<std::size_t>(spec.steps + 1), initial);
  double current = initial, from = initial;
  std::size_t next = 0;
  const LegitimacyShock* ramp = nullptr;
  for (std::int64_t s = 1; s <= spec.steps; ++s) {
    if (next < spec.shocks.size() && spec.shocks[next].step == s) {
      ramp = &spec.shocks[next++];
      from = current;
    }
    if (ramp) {
      const std::int64_t j = s - ramp->step + 1;
      current = j >= ramp->over ? ramp->legitimacy
                                : from + (ramp->legitimacy - from) * static_cast<double>(j) / static_cast<double>(ramp->over);
      if (j >= ramp->over) ramp = nullptr;
    }
    out[static_cast<std::size_t>(s)] = current;
  }
  return out;
}

std::vector<SummaryItem> CivilViolenceScenario::summary() const {
  const auto& s = spec();
  const ParameterSet& p = s.parameters;
  std::string shocks;
  for (const auto& k : s.shocks)
    shocks += (shocks.empty() ? "" : ", ") + std::string("to ") + format_number(k.legitimacy) + " at step " +
              std::to_string(k.step) + (k.over > 1 ? " over " + std::to_string(k.over) + " steps" : "");
  return {
      {"model", "civil_violence"},
      {"grid", std::to_string(s.width) + " x " + std::to_string(s.height) + " torus, " + std::to_string(s.steps) + " steps" +
                   (s.movement ? "" : ", no movement") +
                   (s.arrest_ratio == ArrestRatio::floor ? ", C / A rounded down" : ", round(C / A)")},
      {"agents", "citizens " + format_number(p.value("population.citizen_density")) + ", cops " +
                     format_number(p.value("population.cop_density")) + " of cells"},
      {"legitimacy", format_number(p.value("citizens.legitimacy")) + (shocks.empty() ? "" : ", then " + shocks)},
      {"parameters", std::to_string(p.size())},
  };
}

RunSummary CivilViolenceScenario::run(const RunRequest& request) const {
  const ParameterSet parameters =
      request.parameter_values ? spec().parameters.with_values(*request.parameter_values) : spec().parameters;
  // One run is sequential (asynchronous activation is the model); ensembles run in parallel.
  const World w = simulate(spec(), resolve_parameters(spec(), parameters), rng::RunKey{request.seed, request.run});
  RunSummary summary = summarize(w);
  if (!request.out_dir.empty()) write_run_files(w, summary, request.out_dir);
  if (request.timeline) summary.timeline = timeline_of(w);
  return summary;
}

void CivilViolenceScenario::write_reference_files(const std::filesystem::path& dir) const {
  const auto schedule = legitimacy_schedule(spec(), spec().parameters.value("citizens.legitimacy"));
  io::AtomicFile f(dir / "schedule.csv");
  io::CsvWriter csv(f.stream(), {"step", "legitimacy"});
  for (std::size_t s = 0; s < schedule.size(); ++s) csv.field(static_cast<std::int64_t>(s)).field(schedule[s]).end_row();
  f.commit();
}

}  // namespace azsim::civil_violence
