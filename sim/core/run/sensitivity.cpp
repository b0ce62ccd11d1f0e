#include "core/run/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/random/samplers.hpp"
#include "core/random/stream.hpp"
#include "core/run/rows.hpp"
#include "core/stats/special.hpp"

namespace azsim {

namespace fs = std::filesystem;

namespace {
constexpr std::uint64_t kMorrisPurpose = 0x6d6f72726973;  // "morris"
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::vector<std::vector<double>> morris_unit_design(std::size_t k, const MorrisOptions& m, std::uint64_t seed) {
  if (m.levels < 2 || m.levels % 2 != 0) throw UsageError("Morris levels must be even and at least 2");
  const int p = m.levels;
  const double delta = p / (2.0 * (p - 1));
  const int starts = p / 2;  // levels 0 .. p/2 - 1 leave room for +delta
  std::vector<std::vector<double>> design;
  for (std::uint64_t t = 0; t < m.trajectories; ++t) {
    rng::Stream s({seed, 0}, 0, t, kMorrisPurpose);
    std::vector<double> x(k);
    std::vector<int> sign(k);
    for (std::size_t i = 0; i < k; ++i) {
      const auto level = static_cast<int>(rng::uniform_int(s, static_cast<std::uint64_t>(starts)));
      // Half the trajectories start low and step up, half start high and step down, so every
      // grid level is visited.
      sign[i] = rng::uniform_int(s, 2) == 0 ? 1 : -1;
      x[i] = level / static_cast<double>(p - 1);
      if (sign[i] < 0) x[i] += delta;
    }
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    rng::shuffle(s, std::span<std::size_t>(order));
    design.push_back(x);
    for (std::size_t i : order) {
      x[i] += sign[i] * delta;
      design.push_back(x);
    }
  }
  return design;
}

std::vector<std::vector<MorrisEffect>> morris_effects(const std::vector<std::vector<double>>& unit,
                                                      const std::vector<std::vector<double>>& outputs, std::size_t k,
                                                      std::size_t trajectories) {
  const std::size_t n_out = outputs.empty() ? 0 : outputs[0].size();
  std::vector<std::vector<std::vector<double>>> ee(k, std::vector<std::vector<double>>(n_out));
  for (std::size_t t = 0; t < trajectories; ++t)
    for (std::size_t step = 0; step < k; ++step) {
      const std::size_t a = t * (k + 1) + step, b = a + 1;
      std::size_t moved = k;
      for (std::size_t i = 0; i < k; ++i)
        if (unit[a][i] != unit[b][i]) moved = i;
      if (moved == k) continue;
      const double du = unit[b][moved] - unit[a][moved];
      for (std::size_t o = 0; o < n_out; ++o) {
        const double e = (outputs[b][o] - outputs[a][o]) / du;
        if (std::isfinite(e)) ee[moved][o].push_back(e);
      }
    }
  std::vector<std::vector<MorrisEffect>> out(k, std::vector<MorrisEffect>(n_out));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t o = 0; o < n_out; ++o) {
      const auto& v = ee[i][o];
      MorrisEffect& m = out[i][o];
      m.effects = v.size();
      if (v.empty()) {
        m.mu = m.mu_star = m.sigma = kNaN;
        continue;
      }
      double sum = 0, abs_sum = 0;
      for (double e : v) {
        sum += e;
        abs_sum += std::abs(e);
      }
      m.mu = sum / static_cast<double>(v.size());
      m.mu_star = abs_sum / static_cast<double>(v.size());
      double ss = 0;
      for (double e : v) ss += (e - m.mu) * (e - m.mu);
      m.sigma = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
    }
  return out;
}

EnsembleOutcome run_morris(const LoadedScenario& scenario, const MorrisOptions& morris, const EnsembleOptions& options,
                           const fs::path& dir) {
  const auto& items = scenario.parameters().items();
  std::vector<std::size_t> screened;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (stats::prior_quantile(items[i].prior, 0.95) > stats::prior_quantile(items[i].prior, 0.05)) screened.push_back(i);
  if (screened.empty()) throw UsageError("no parameter has a prior wider than a point: nothing to screen");
  const std::size_t k = screened.size();
  const auto unit = morris_unit_design(k, morris, options.seed);
  Design design;
  for (std::size_t i : screened) design.parameters.push_back(items[i].name);
  for (const auto& u : unit) {
    std::vector<double> point(k);
    for (std::size_t i = 0; i < k; ++i) point[i] = stats::prior_quantile(items[screened[i]].prior, 0.05 + 0.9 * u[i]);
    design.points.push_back(std::move(point));
  }
  EnsembleOptions o = options;
  o.command = "sensitivity";
  const EnsembleOutcome r = run_eval(scenario, design, morris.replicates, o, dir);
  if (r.interrupted) return r;

  // Per point, each output's mean over the replicates (NaNs left out).
  // runs.csv is in job order: row j is point j / replicates.
  const RunsTable runs = read_runs_csv(dir / "runs.csv", 4 + k);
  const std::vector<std::string>& names = runs.names;
  std::vector<std::vector<double>> sums(unit.size(), std::vector<double>(names.size(), 0));
  std::vector<std::vector<double>> counts = sums;
  for (std::size_t c = 0; c < names.size(); ++c)
    for (std::size_t j = 0; j < runs.columns[c].size(); ++j) {
      const double v = runs.columns[c][j];
      if (std::isnan(v)) continue;
      sums[j / morris.replicates][c] += v;
      counts[j / morris.replicates][c] += 1;
    }
  for (std::size_t p = 0; p < sums.size(); ++p)
    for (std::size_t c = 0; c < names.size(); ++c) sums[p][c] = counts[p][c] > 0 ? sums[p][c] / counts[p][c] : kNaN;
  const auto effects = morris_effects(unit, sums, k, morris.trajectories);

  io::AtomicFile file(dir / "morris.csv");
  io::CsvWriter csv(file.stream(), {"parameter", "output", "mu", "mu_star", "sigma", "effects"});
  const auto field = [&](double v) { std::isnan(v) ? csv.field("NA") : csv.field(v); };
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t out = 0; out < names.size(); ++out) {
      const MorrisEffect& m = effects[i][out];
      csv.field(design.parameters[i]).field(names[out]);
      field(m.mu), field(m.mu_star), field(m.sigma);
      csv.field(static_cast<std::uint64_t>(m.effects)).end_row();
    }
  file.commit();
  return r;
}

}  // namespace azsim
