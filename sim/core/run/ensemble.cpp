#include "core/run/ensemble.hpp"

#include <charconv>
#include <cmath>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/run/batch.hpp"
#include "core/run/manifest.hpp"
#include "core/scenario/posterior.hpp"
#include "core/sha256.hpp"
#include "core/stats/special.hpp"
#include "core/text.hpp"

namespace azsim {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void write_target_marks(const LoadedScenario& scenario, const fs::path& dir) {
  io::AtomicFile file(dir / "target-marks.csv");
  io::CsvWriter csv(file.stream(), {"target", "clause", "node", "window_start", "window_end"});
  for (const auto& m : scenario.target_marks())
    csv.field(m.target).field(m.clause).field(m.node).field(m.window_start).field(m.window_end).end_row();
  file.commit();
}

BatchOptions batch_options(const EnsembleOptions& o, std::string fingerprint, bool timeline) {
  BatchOptions b;
  b.seed = o.seed;
  b.threads = o.threads;
  b.timeline = timeline;
  b.trace = o.trace;
  b.resume = o.resume;
  b.quiet = o.quiet;
  b.fingerprint = std::move(fingerprint);
  b.checkpoint_seconds = o.checkpoint_seconds;
  b.stop_after = o.stop_after;
  return b;
}

EnsembleOutcome outcome_of(const BatchResult& r) {
  return {r.interrupted, r.made, r.rows.finished(), r.rows.jobs(), r.wall_seconds};
}

struct Summary5 {
  std::size_t n = 0;
  double mean = kNaN, q05 = kNaN, q50 = kNaN, q95 = kNaN;
};

Summary5 summarise(const std::vector<double>& v) {
  Summary5 s;
  double sum = 0;
  for (double x : v)
    if (!std::isnan(x)) {
      ++s.n;
      sum += x;
    }
  if (s.n == 0) return s;
  s.mean = sum / static_cast<double>(s.n);
  s.q05 = sample_quantile(v, 0.05);
  s.q50 = sample_quantile(v, 0.50);
  s.q95 = sample_quantile(v, 0.95);
  return s;
}

/// @brief Does `path` name the same file as one of the chain's?
bool chain_contains(const Document& doc, const std::string& path) {
  std::error_code ec;
  const fs::path want = fs::weakly_canonical(path, ec);
  for (const auto& f : doc.chain)
    if (fs::weakly_canonical(f.path, ec) == want) return true;
  return false;
}

ManifestInfo ensemble_info(const EnsembleOptions& o) {
  ManifestInfo info{o.command, o.seed, 0, o.runs, {}};
  if (!o.variant.empty()) info.extra.push_back({"variant", o.variant});
  return info;
}

}  // namespace

EnsembleOutcome ensemble_part(const LoadedScenario& scenario, EnsembleOptions o, const fs::path& dir) {
  std::error_code ec;
  const ManifestInfo info = ensemble_info(o);
  if (o.resume) {
    if (!fs::exists(batch_state_path(dir), ec)) {
      if (fs::exists(dir / "manifest.json", ec) && io::read_file(dir / "manifest.json") == manifest_json(scenario, info))
        return {false, 0, o.runs, o.runs, 0};
      o.resume = false;  // this half had not started
      o.force = true;
    }
  }
  return run_ensemble(scenario, o, dir);
}

EnsembleOutcome run_ensemble(const LoadedScenario& scenario, const EnsembleOptions& o, const fs::path& dir) {
  if (o.runs == 0) throw UsageError("--runs must be at least 1");
  prepare_batch_dir(dir, o.force, o.resume);
  const ManifestInfo info = ensemble_info(o);
  std::vector<BatchJob> jobs(o.runs);
  for (std::uint64_t i = 0; i < o.runs; ++i) {
    jobs[i].run = i;
    if (o.parameters_for) jobs[i].parameters = o.parameters_for(i);
  }
  const BatchResult r = run_batch(scenario, jobs, batch_options(o, manifest_json(scenario, info), true), dir);
  if (r.interrupted) return outcome_of(r);
  r.rows.write_runs_csv(dir / "runs.csv", {{"run", "seed"}, [&](std::size_t j) {
                                             return std::vector<std::string>{std::to_string(jobs[j].run),
                                                                             std::to_string(o.seed)};
                                           }});
  r.rows.write_targets_csv(dir / "targets.csv");
  {
    io::AtomicFile file(dir / "units.csv");
    io::CsvWriter csv(file.stream(), {"name", "unit"});
    for (std::size_t c = 0; c < r.rows.outcome_names().size(); ++c)
      csv.field(r.rows.outcome_names()[c]).field(r.rows.outcome_units()[c]).end_row();
    file.commit();
  }
  r.timeline.write(dir);
  write_target_marks(scenario, dir);
  scenario.write_reference_files(dir);
  write_run_info(dir, r.wall_seconds, r.threads);
  write_manifest(dir, scenario, info);  // last: its presence says the folder is complete
  finish_batch(dir);
  return outcome_of(r);
}

EnsembleOutcome run_whatif(const LoadedScenario& base, const LoadedScenario& cf, const EnsembleOptions& o,
                           const fs::path& dir, std::ostream* table) {
  const std::string base_path = base.document().chain.front().path;
  // A calibrated base is its scenario plus a posterior: a counterfactual of that scenario
  // (with no posterior of its own) is run with the base's posterior, particle i for run i.
  const auto& post = base.document().posterior;
  const bool lend_posterior = !chain_contains(cf.document(), base_path) && post && !cf.document().posterior &&
                              base.document().chain.size() > 1 && chain_contains(cf.document(), base.document().chain[1].path);
  if (!lend_posterior && !chain_contains(cf.document(), base_path))
    throw UsageError("the counterfactual " + cf.document().chain.front().path + " does not derive from " + base_path +
                     " (its base: chain is " + [&] {
                       std::string s;
                       for (std::size_t i = 1; i < cf.document().chain.size(); ++i)
                         s += (s.empty() ? "" : " -> ") + cf.document().chain[i].path;
                       return s.empty() ? std::string("empty") : s;
                     }() + ")");
  std::error_code ec;
  if (!o.resume && !o.force && fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw UsageError(dir.string() + " is not empty; choose another --out, pass --resume to continue an interrupted what-if, or --force to overwrite");
  if (!o.resume) require_own_output(dir);  // even forced: never into a folder of other files
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
  EnsembleOptions half = o;
  half.command = "whatif";
  EnsembleOutcome done = ensemble_part(base, half, dir / "baseline");
  done.total = 2 * o.runs;
  if (done.interrupted) return done;
  if (lend_posterior) {
    half.variant = "posterior of " + base_path + " (sha256 " + post->sha256 + ")";
    half.parameters_for = [&](std::uint64_t run) {
      std::vector<double> v;
      for (const auto& p : cf.parameters().items()) v.push_back(p.value);
      const auto& particle = post->particles[post->pick(o.seed, run)];
      for (std::size_t c = 0; c < post->parameters.size(); ++c) {
        const auto i = cf.parameters().index_of(post->parameters[c]);
        if (!i) throw UsageError("the counterfactual has no parameter " + post->parameters[c] + " of the base's posterior");
        v[*i] = particle[c];
      }
      return v;
    };
  }
  const EnsembleOutcome second = ensemble_part(cf, half, dir / "counterfactual");
  done.made += second.made;
  done.runs += second.runs;
  done.total = 2 * o.runs;
  done.wall_seconds += second.wall_seconds;
  if (second.interrupted) {
    done.interrupted = true;
    return done;
  }

  const RunsTable a = read_runs_csv(dir / "baseline" / "runs.csv", 2), b = read_runs_csv(dir / "counterfactual" / "runs.csv", 2);
  if (a.names != b.names) throw Error("the baseline and the counterfactual report different outcomes");
  io::AtomicFile file(dir / "whatif.csv");
  io::CsvWriter csv(file.stream(), {"name", "kind", "base_n", "base_mean", "base_q05", "base_q50", "base_q95", "cf_n",
                                    "cf_mean", "cf_q05", "cf_q50", "cf_q95", "pairs", "diff_mean", "diff_ci_low",
                                    "diff_ci_high", "p_cf_higher"});
  const auto field = [&](double v) { std::isnan(v) ? csv.field("NA") : csv.field(v); };
  std::ostringstream out;
  out << std::left << std::setw(34) << "outcome" << std::right << std::setw(12) << "baseline" << std::setw(12)
      << "what-if" << std::setw(12) << "difference" << std::setw(26) << "95% interval" << std::setw(10) << "P(higher)"
      << "\n";
  std::vector<std::string> target_prefixes;
  for (const auto& n : a.names)
    if (n.size() > 4 && n.ends_with(".hit")) target_prefixes.push_back(n.substr(0, n.size() - 3));
  for (std::size_t c = 0; c < a.names.size(); ++c) {
    const std::string& name = a.names[c];
    const bool target = name.ends_with(".hit");
    const Summary5 sa = summarise(a.columns[c]), sb = summarise(b.columns[c]);
    std::vector<double> diffs;
    double higher = 0;
    for (std::size_t r = 0; r < a.columns[c].size() && r < b.columns[c].size(); ++r) {
      const double x = a.columns[c][r], y = b.columns[c][r];
      if (std::isnan(x) || std::isnan(y)) continue;
      diffs.push_back(y - x);
      higher += y > x ? 1.0 : y == x ? 0.5 : 0.0;
    }
    const std::size_t pairs = diffs.size();
    double mean = kNaN, lo = kNaN, hi = kNaN, p = kNaN;
    if (pairs > 0) {
      double sum = 0;
      for (double d : diffs) sum += d;
      mean = sum / static_cast<double>(pairs);
      p = higher / static_cast<double>(pairs);
      if (pairs > 1) {
        double ss = 0;
        for (double d : diffs) ss += (d - mean) * (d - mean);
        const double se = std::sqrt(ss / static_cast<double>(pairs - 1) / static_cast<double>(pairs));
        const double t = stats::t_quantile(0.975, static_cast<double>(pairs - 1));
        lo = mean - t * se;
        hi = mean + t * se;
      }
    }
    csv.field(target ? name.substr(0, name.size() - 4) : name).field(target ? "target" : "outcome");
    csv.field(static_cast<std::uint64_t>(sa.n));
    field(sa.mean), field(sa.q05), field(sa.q50), field(sa.q95);
    csv.field(static_cast<std::uint64_t>(sb.n));
    field(sb.mean), field(sb.q05), field(sb.q50), field(sb.q95);
    csv.field(static_cast<std::uint64_t>(pairs));
    field(mean), field(lo), field(hi), field(p);
    csv.end_row();
    // The table shows the targets and the outcomes of the whole run (not each target's parts).
    bool part = false;
    for (const auto& tp : target_prefixes) part = part || (!target && name.starts_with(tp));
    if (part) continue;
    const auto num = [](double v) { return std::isnan(v) ? std::string("NA") : format_rounded(v); };
    out << std::left << std::setw(34) << (target ? name.substr(0, name.size() - 4) + " hit rate" : name) << std::right
        << std::setw(12) << num(sa.mean) << std::setw(12) << num(sb.mean) << std::setw(12) << num(mean)
        << std::setw(26) << ("[" + num(lo) + ", " + num(hi) + "]") << std::setw(10) << num(p) << "\n";
  }
  file.commit();
  if (table) *table << out.str();
  return done;
}

Design read_design(const fs::path& path, const ParameterSet& parameters) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw UsageError("no such design file: " + path.string());
  constexpr std::uintmax_t kMaxDesignBytes = std::uintmax_t{256} << 20;
  if (fs::file_size(path, ec) > kMaxDesignBytes)
    throw UsageError(path.string() + ": a design may be at most 256 MiB");
  std::string text;
  try {
    text = io::read_file(path);
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
  return parse_design(text, path.string(), parameters);
}

Design parse_design(std::string_view csv_text, const std::string& where, const ParameterSet& parameters) {
  std::vector<std::vector<std::string>> rows;
  try {
    rows = io::read_csv(csv_text, where);
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
  if (rows.empty() || (rows.size() == 1 && rows[0].size() == 1 && rows[0][0].empty()))
    throw UsageError(where + ": empty: expected a header of parameter names, then one row of values per point");
  std::vector<std::string> known;
  for (const auto& p : parameters.items()) known.push_back(p.name);
  Design d;
  std::vector<std::size_t> index;
  for (std::size_t c = 0; c < rows[0].size(); ++c) {
    const std::string& name = rows[0][c];
    const auto i = parameters.index_of(name);
    if (!i)
      throw UsageError(where + ":1: column " + std::to_string(c + 1) + ": '" + printable(name) + "' is not a parameter of the scenario" +
                       did_you_mean(name, known));
    for (std::size_t k : index)
      if (k == *i) throw UsageError(where + ":1: column " + std::to_string(c + 1) + ": '" + name + "' appears twice");
    d.parameters.push_back(name);
    index.push_back(*i);
  }
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::string line = where + ":" + std::to_string(r + 1);
    if (rows[r].size() == 1 && rows[r][0].empty()) continue;  // a blank line
    if (rows[r].size() != d.parameters.size())
      throw UsageError(line + ": " + std::to_string(rows[r].size()) + " values, expected " +
                       std::to_string(d.parameters.size()) + " (one per column of the header)");
    std::vector<double> point;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& text = rows[r][c];
      double v = 0;
      const auto [end, e] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (e != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
        throw UsageError(line + ": column " + std::to_string(c + 1) + " (" + d.parameters[c] + "): '" + printable(text) +
                         "' is not a finite number");
      const Prior& prior = parameters.items()[index[c]].prior;
      if (!prior.contains(v))
        throw UsageError(line + ": column " + std::to_string(c + 1) + " (" + d.parameters[c] + "): " + text +
                         " is outside its prior's support [" + format_number(prior.low) + ", " +
                         format_number(prior.high) + "]");
      point.push_back(v);
    }
    d.points.push_back(std::move(point));
  }
  if (d.points.empty()) throw UsageError(where + ": no design points (a header but no rows)");
  return d;
}

EnsembleOutcome run_eval(const LoadedScenario& scenario, const Design& design, std::uint64_t replicates,
                         const EnsembleOptions& o, const fs::path& dir) {
  if (replicates == 0) throw UsageError("--replicates must be at least 1");
  prepare_batch_dir(dir, o.force, o.resume);
  std::string design_text;
  {
    std::ostringstream s;
    io::CsvWriter csv(s, design.parameters);
    for (const auto& p : design.points) {
      for (double v : p) csv.field(v);
      csv.end_row();
    }
    design_text = s.str();
  }
  ManifestInfo info{o.command, o.seed, 0, design.points.size() * replicates,
                    {{"replicates", std::to_string(replicates)},
                     {"design_points", std::to_string(design.points.size())},
                     {"design_sha256", sha256_hex(design_text)}}};
  const auto& items = scenario.parameters().items();
  std::vector<double> base;
  for (const auto& p : items) base.push_back(p.value);
  std::vector<std::size_t> index;
  for (const auto& name : design.parameters) index.push_back(*scenario.parameters().index_of(name));
  std::vector<BatchJob> jobs;
  jobs.reserve(design.points.size() * replicates);
  for (const auto& point : design.points)
    for (std::uint64_t r = 0; r < replicates; ++r) {
      BatchJob j{r, base};
      for (std::size_t c = 0; c < index.size(); ++c) j.parameters[index[c]] = point[c];
      jobs.push_back(std::move(j));
    }
  io::write_file_atomic(dir / "design.csv", design_text);  // first, so a long evaluation can be inspected
  EnsembleOptions eo = o;
  eo.trace = 0;
  BatchOptions bo = batch_options(eo, manifest_json(scenario, info), false);
  bo.label = "runs";
  const BatchResult r = run_batch(scenario, jobs, bo, dir);
  if (r.interrupted) return outcome_of(r);
  std::vector<std::string> header{"point", "replicate", "seed", "run"};
  header.insert(header.end(), design.parameters.begin(), design.parameters.end());
  r.rows.write_runs_csv(dir / "runs.csv", {header, [&](std::size_t j) {
                                             const std::size_t point = j / replicates, rep = j % replicates;
                                             std::vector<std::string> v{std::to_string(point), std::to_string(rep),
                                                                        std::to_string(o.seed), std::to_string(jobs[j].run)};
                                             for (double x : design.points[point]) v.push_back(io::format_double(x));
                                             return v;
                                           }});
  write_run_info(dir, r.wall_seconds, r.threads);
  write_manifest(dir, scenario, info);
  finish_batch(dir);
  return outcome_of(r);
}

}  // namespace azsim
