#include "core/calibrate/fidelity.hpp"

#include <charconv>
#include <cmath>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/random/stream.hpp"
#include "core/run/manifest.hpp"
#include "core/run/rows.hpp"
#include "core/scenario/posterior.hpp"
#include "core/stats/special.hpp"
#include "core/text.hpp"

namespace azsim {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kPriorPurpose = 0x7072696f72647277;  // "priordrw"
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Rows = std::vector<std::vector<std::string>>;

Rows read(const fs::path& p) { return io::read_csv(io::read_file(p), p.string()); }

double number(const std::string& text) {
  if (text == "NA" || text.empty()) return kNaN;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size() ? v : kNaN;
}

}  // namespace

EnsembleOutcome run_fidelity(const LoadedScenario& scenario, const EnsembleOptions& o, const fs::path& dir,
                             std::ostream* table) {
  std::error_code ec;
  if (!o.resume && !o.force && fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw UsageError(dir.string() + " is not empty; choose another --out, pass --resume to continue, or --force to overwrite");
  if (!o.resume) require_own_output(dir);  // even forced: never into a folder of other files
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());

  // What the prior side draws: the posterior's parameters, or those marked for calibration.
  const auto& items = scenario.parameters().items();
  std::vector<std::size_t> drawn;
  if (const auto& post = scenario.document().posterior)
    for (const auto& n : post->parameters) drawn.push_back(*scenario.parameters().index_of(n));
  else
    for (std::size_t i = 0; i < items.size(); ++i)
      if (items[i].calibrate) drawn.push_back(i);

  EnsembleOptions side = o;
  side.command = "fidelity";
  side.variant = "posterior-predictive";
  EnsembleOutcome done = ensemble_part(scenario, side, dir / "posterior");
  done.total = (drawn.empty() ? 1 : 2) * o.runs;
  if (done.interrupted) return done;
  const bool with_prior = !drawn.empty();
  if (with_prior) {
    side.variant = "prior-predictive";
    side.parameters_for = [&](std::uint64_t run) {
      std::vector<double> v;
      for (const auto& p : items) v.push_back(p.value);
      rng::Stream s({o.seed, run}, 0, 0, kPriorPurpose);
      for (std::size_t i : drawn) v[i] = stats::prior_quantile(items[i].prior, s.uniform_open());
      return v;
    };
    const EnsembleOutcome prior = ensemble_part(scenario, side, dir / "prior");
    done.made += prior.made;
    done.runs += prior.runs;
    done.wall_seconds += prior.wall_seconds;
    if (prior.interrupted) {
      done.interrupted = true;
      return done;
    }
  }

  // Per target: both sides' hit rates.
  const Rows post_t = read(dir / "posterior" / "targets.csv");
  const Rows prior_t = with_prior ? read(dir / "prior" / "targets.csv") : Rows{};
  const auto na = [](io::CsvWriter& c, int n) {
    for (int i = 0; i < n; ++i) c.field("NA");
  };
  {
    io::AtomicFile file(dir / "fidelity.csv");
    io::CsvWriter csv(file.stream(), {"target", "description", "prior_hit_rate", "prior_ci_low", "prior_ci_high",
                                      "prior_median_miss", "hit_rate", "ci_low", "ci_high", "median_miss"});
    for (std::size_t r = 1; r < post_t.size(); ++r) {
      csv.field(post_t[r][0]).field(post_t[r][1]);
      if (with_prior) csv.field(prior_t[r][4]).field(prior_t[r][5]).field(prior_t[r][6]).field(prior_t[r][7]);
      else na(csv, 4);
      csv.field(post_t[r][4]).field(post_t[r][5]).field(post_t[r][6]).field(post_t[r][7]).end_row();
    }
    file.commit();
  }

  // Targets hit together.
  const RunsTable post_c = read_runs_csv(dir / "posterior" / "runs.csv", 2);
  const RunsTable prior_c = with_prior ? read_runs_csv(dir / "prior" / "runs.csv", 2) : RunsTable{};
  const std::size_t T = post_t.size() - 1;
  // Runs hitting exactly h targets, counted, so every share is an exact ratio of counts.
  const auto together = [&](const RunsTable& cols) {
    std::vector<std::uint64_t> count(T + 1, 0);
    if (cols.names.empty()) return count;
    std::vector<std::size_t> hits(o.runs, 0);
    for (std::size_t r = 1; r <= T; ++r) {
      const std::vector<double>* hit = cols.find(post_t[r][0] + ".hit");
      if (!hit) continue;
      for (std::size_t i = 0; i < hit->size() && i < hits.size(); ++i) hits[i] += (*hit)[i] == 1 ? 1 : 0;
    }
    for (std::size_t h : hits) ++count[h];
    return count;
  };
  const auto post_count = together(post_c), prior_count = together(prior_c);
  const std::size_t bar = T > 3 ? T - 3 : T;  // "all but three": 10 of 13
  const auto share = [&](const std::vector<std::uint64_t>& count, std::size_t from, std::size_t to) {
    std::uint64_t n = 0;
    for (std::size_t h = from; h <= to; ++h) n += count[h];
    return static_cast<double>(n) / static_cast<double>(o.runs);
  };
  const double post_at_bar = share(post_count, bar, T), prior_at_bar = share(prior_count, bar, T);
  {
    io::AtomicFile file(dir / "together.csv");
    io::CsvWriter csv(file.stream(), {"hits", "prior_share", "posterior_share", "prior_at_least", "posterior_at_least"});
    for (std::size_t h = 0; h <= T; ++h) {
      csv.field(static_cast<std::uint64_t>(h));
      if (with_prior) csv.field(share(prior_count, h, h));
      else csv.field("NA");
      csv.field(share(post_count, h, h));
      if (with_prior) csv.field(share(prior_count, h, T));
      else csv.field("NA");
      csv.field(share(post_count, h, T)).end_row();
    }
    file.commit();
  }

  // Dated clauses: simulated dates against the documented windows.
  std::map<std::string, std::string> unit;
  for (const auto& r : read(dir / "posterior" / "units.csv"))
    if (r.size() == 2) unit[r[0]] = r[1];
  {
    io::AtomicFile file(dir / "dates.csv");
    std::vector<std::string> header{"target", "clause", "window_start", "window_end"};
    for (const char* side_name : {"prior_", "posterior_"})
      for (const char* q : {"n", "q05", "q25", "q50", "q75", "q95"}) header.push_back(std::string(side_name) + q);
    io::CsvWriter csv(file.stream(), header);
    std::map<std::string, bool> seen;
    for (const auto& m : scenario.target_marks()) {
      const std::string name = m.target + "." + m.clause;
      if (m.clause.empty() || seen[name] || unit[name] != "day index") continue;
      seen[name] = true;
      csv.field(m.target).field(m.clause).field(m.window_start).field(m.window_end);
      for (const auto* cols : {&prior_c, &post_c}) {
        const std::vector<double>* values = cols->find(name);
        if (!values) {
          for (int i = 0; i < 6; ++i) csv.field("NA");
          continue;
        }
        std::size_t n = 0;
        for (double v : *values) n += std::isnan(v) ? 0 : 1;
        csv.field(static_cast<std::uint64_t>(n));
        for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
          const double v = sample_quantile(*values, q);
          if (std::isnan(v)) csv.field("NA");
          else csv.field(scenario.day_label(std::llround(v)));
        }
      }
      csv.end_row();
    }
    file.commit();
  }

  if (table) {
    std::ostringstream out;
    const auto pct = [](const std::string& v) {
      const double x = number(v);
      return std::isnan(x) ? std::string("NA") : format_rounded(std::round(1000 * x) / 10) + "%";
    };
    out << std::left << std::setw(8) << "target" << std::right << std::setw(12) << "prior" << std::setw(12) << "posterior"
        << std::setw(14) << "median miss" << "  documented\n";
    for (std::size_t r = 1; r < post_t.size(); ++r)
      out << std::left << std::setw(8) << post_t[r][0] << std::right << std::setw(12)
          << (with_prior ? pct(prior_t[r][4]) : "NA") << std::setw(12) << pct(post_t[r][4]) << std::setw(14)
          << (std::isnan(number(post_t[r][7])) ? std::string("NA") : format_rounded(std::round(100 * number(post_t[r][7])) / 100))
          << "  " << abbreviate(post_t[r][1], 70) << "\n";
    double mean = 0;
    for (std::size_t r = 1; r < post_t.size(); ++r) mean += number(post_t[r][4]) / static_cast<double>(T);
    out << "mean hit rate " << pct(io::format_double(mean)) << "; runs hitting at least " << bar << " of " << T
        << " together: " << (with_prior ? pct(io::format_double(prior_at_bar)) : "NA") << " (prior), "
        << pct(io::format_double(post_at_bar)) << " (posterior)\n";
    *table << out.str();
  }
  return done;
}

}  // namespace azsim
