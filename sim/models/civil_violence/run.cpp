#include "models/civil_violence/run.hpp"

#include <algorithm>

#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/run/outcomes.hpp"

namespace azsim::civil_violence {

World simulate(const ScenarioSpec& spec, const RunParameters& params, rng::RunKey key) {
  World w = build_world(spec, params, key);
  run_steps(w, spec.steps);
  return w;
}

int count_outbursts(const std::vector<double>& active_share, double share) noexcept {
  int outbursts = 0;
  bool under_way = false;
  for (double s : active_share) {
    if (!under_way && s >= share) {
      under_way = true;
      ++outbursts;
    } else if (under_way && s < share / 2) {
      under_way = false;
    }
  }
  return outbursts;
}

RunSummary summarize(const World& w) {
  RunSummary s;
  const auto citizens = static_cast<double>(w.citizens);
  std::vector<double> active;
  double active_sum = 0, jailed_sum = 0, peak = 0;
  std::int64_t peak_step = 0;
  for (std::size_t t = 1; t < w.history.size(); ++t) {
    const StepCounts& c = w.history[t];
    const double a = w.citizens > 0 ? c.active / citizens : 0.0;
    active.push_back(a);
    active_sum += a;
    jailed_sum += w.citizens > 0 ? c.jailed / citizens : 0.0;
    if (a > peak) {
      peak = a;
      peak_step = static_cast<std::int64_t>(t);
    }
  }
  const auto steps = static_cast<double>(active.size());
  const bool shares = w.citizens > 0 && !active.empty();
  const auto share = [&](double v) { return shares ? std::optional<double>(v) : std::nullopt; };
  s.outcomes.push_back({"mean_active_share", share(active_sum / steps), "share of citizens"});
  s.outcomes.push_back({"mean_jailed_share", share(jailed_sum / steps), "share of citizens"});
  s.outcomes.push_back({"peak_active_share", share(peak), "share of citizens"});
  s.outcomes.push_back({"peak_step", shares && peak > 0 ? std::optional<double>(static_cast<double>(peak_step)) : std::nullopt, "step"});
  s.outcomes.push_back({"outbursts", static_cast<double>(count_outbursts(active, w.spec->outburst_share)), "outbursts"});
  s.outcomes.push_back({"final_jailed_share", share(w.history.back().jailed / citizens), "share of citizens"});
  s.outcomes.push_back({"citizens", citizens, "agents"});
  s.outcomes.push_back({"cops", static_cast<double>(w.cops), "agents"});
  return s;
}

void write_run_files(const World& w, const RunSummary& summary, const std::filesystem::path& dir) {
  {
    io::AtomicFile f(dir / "steps.csv");
    io::CsvWriter csv(f.stream(), {"step", "legitimacy", "active", "quiet", "jailed"});
    for (std::size_t t = 0; t < w.history.size(); ++t) {
      const std::size_t at = std::min(t, w.legitimacy.size() - 1);
      csv.field(static_cast<std::int64_t>(t)).field(w.legitimacy[at]);
      csv.field(w.history[t].active).field(w.history[t].quiet).field(w.history[t].jailed).end_row();
    }
    f.commit();
  }
  write_outcomes_csv(dir / "outcomes.csv", summary.outcomes);
}

Timeline timeline_of(const World& w) {
  Timeline t;
  for (std::size_t s = 0; s < w.history.size(); ++s) t.dates.push_back(std::to_string(s));
  CountSeries c;
  c.name = "states";
  c.key_columns = {"state"};
  c.units = {{"active"}, {"quiet"}, {"jailed"}};
  c.bound = static_cast<std::int64_t>(w.width) * w.height;  // the same in every run
  c.values.reserve(3 * w.history.size());
  for (const StepCounts& k : w.history) {
    c.values.push_back(k.active);
    c.values.push_back(k.quiet);
    c.values.push_back(k.jailed);
  }
  t.counts.push_back(std::move(c));
  return t;
}

}  // namespace azsim::civil_violence
