#include "core/calibrate/abc.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <numeric>
#include <optional>

#include "core/error.hpp"
#include "core/exec/executor.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/mpi/cluster.hpp"
#include "core/random/samplers.hpp"
#include "core/random/stream.hpp"
#include "core/run/batch.hpp"
#include "core/run/manifest.hpp"
#include "core/run/progress.hpp"
#include "core/run/rows.hpp"
#include "core/sha256.hpp"
#include "core/stats/special.hpp"
#include "core/text.hpp"

namespace azsim {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kProposalPurpose = 0x6162632d70726f70;  // "abc-prop"
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxCalibrated = 12;

/// @brief One generation's accepted particles.
struct Population {
  std::vector<std::vector<double>> theta;  ///< per particle, one value per calibrated parameter
  std::vector<double> weight;              ///< normalised
  std::vector<double> distance;
};

/// @brief The perturbation kernel: N(0, 2 * weighted covariance), by its Cholesky factor.
struct Kernel {
  Eigen::MatrixXd chol;  ///< lower triangular L, Sigma = L L^T
  Eigen::MatrixXd inverse;
};

Kernel make_kernel(const Population& pop, std::size_t k) {
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < pop.theta.size(); ++i)
    for (std::size_t d = 0; d < k; ++d) mean[static_cast<Eigen::Index>(d)] += pop.weight[i] * pop.theta[i][d];
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < pop.theta.size(); ++i) {
    Eigen::VectorXd x(static_cast<Eigen::Index>(k));
    for (std::size_t d = 0; d < k; ++d) x[static_cast<Eigen::Index>(d)] = pop.theta[i][d] - mean[static_cast<Eigen::Index>(d)];
    cov += pop.weight[i] * x * x.transpose();
  }
  Eigen::MatrixXd sigma = 2 * cov;
  // A population collapsed in some direction: a small ridge keeps the kernel proper.
  for (Eigen::Index d = 0; d < sigma.rows(); ++d) sigma(d, d) += 1e-12 + 1e-9 * std::abs(sigma(d, d));
  Eigen::LLT<Eigen::MatrixXd> llt(sigma);
  if (llt.info() != Eigen::Success) throw Error("calibration: the population's covariance is not positive definite");
  return {llt.matrixL(), llt.solve(Eigen::MatrixXd::Identity(sigma.rows(), sigma.cols()))};
}

double parse(const std::string& text, const std::string& where) {
  double v = 0;
  if (text == "inf") return kInf;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) throw IoError(where + ": not a number: '" + text + "'");
  return v;
}

void write_population(const fs::path& path, const std::vector<std::string>& names, const Population& pop) {
  io::AtomicFile file(path);
  std::vector<std::string> header = names;
  header.push_back("weight");
  header.push_back("distance");
  io::CsvWriter csv(file.stream(), header);
  for (std::size_t i = 0; i < pop.theta.size(); ++i) {
    for (double v : pop.theta[i]) csv.field(v);
    csv.field(pop.weight[i]).field(pop.distance[i]).end_row();
  }
  file.commit();
}

Population read_population(const fs::path& path, std::size_t k) {
  const auto rows = io::read_csv(io::read_file(path), path.string());
  Population pop;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != k + 2) throw IoError(path.string() + ":" + std::to_string(r + 1) + ": wrong number of fields");
    std::vector<double> theta;
    for (std::size_t d = 0; d < k; ++d) theta.push_back(parse(rows[r][d], path.string()));
    pop.theta.push_back(std::move(theta));
    pop.weight.push_back(parse(rows[r][k], path.string()));
    pop.distance.push_back(parse(rows[r][k + 1], path.string()));
  }
  return pop;
}

struct GenerationRow {
  std::uint64_t generation = 0;
  double tolerance = kInf;
  std::uint64_t proposals = 0, runs = 0, accepted = 0;
  double ess = 0;
};

void write_generations(const fs::path& path, const std::vector<GenerationRow>& rows) {
  io::AtomicFile file(path);
  io::CsvWriter csv(file.stream(), {"generation", "tolerance", "proposals", "runs", "accepted", "acceptance_rate", "ess"});
  for (const auto& g : rows)
    csv.field(g.generation).field(g.tolerance).field(g.proposals).field(g.runs).field(g.accepted)
        .field(static_cast<double>(g.accepted) / static_cast<double>(std::max<std::uint64_t>(1, g.proposals)))
        .field(g.ess).end_row();
  file.commit();
}

std::vector<GenerationRow> read_generations(const fs::path& path) {
  const auto rows = io::read_csv(io::read_file(path), path.string());
  std::vector<GenerationRow> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != 7) throw IoError(path.string() + ":" + std::to_string(r + 1) + ": wrong number of fields");
    GenerationRow g;
    g.generation = std::stoull(rows[r][0]);
    g.tolerance = parse(rows[r][1], path.string());
    g.proposals = std::stoull(rows[r][2]);
    g.runs = std::stoull(rows[r][3]);
    g.accepted = std::stoull(rows[r][4]);
    g.ess = parse(rows[r][6], path.string());
    out.push_back(g);
  }
  return out;
}

double log_sum_exp(const std::vector<double>& v) {
  const double m = *std::max_element(v.begin(), v.end());
  if (!std::isfinite(m)) return m;
  double s = 0;
  for (double x : v) s += std::exp(x - m);
  return m + std::log(s);
}

/// @brief A generation under way, saved after each complete batch of proposals so that a
/// resume (with any number of threads or processes) goes on from the next batch.
struct Partial {
  std::uint64_t generation = 0;
  std::uint64_t first = 0;  ///< the next batch's first proposal
  std::uint64_t proposals = 0, runs = 0;
  Population next;          ///< accepted so far (theta, distance)
};

constexpr std::string_view kPartialMagic = "azsim abc generation state 1\n";

void save_partial(const fs::path& dir, const std::string& manifest, const Partial& p) {
  io::BinaryWriter w;
  w.str(kPartialMagic);
  w.str(sha256_hex(manifest));
  w.u64(p.generation);
  w.u64(p.first);
  w.u64(p.proposals);
  w.u64(p.runs);
  w.u64(p.next.theta.size());
  for (const auto& t : p.next.theta) w.array(t);
  w.array(p.next.distance);
  io::write_file_atomic(batch_state_path(dir), w.bytes());
}

/// @brief The saved generation under way, if it is generation `g` of this calibration.
std::optional<Partial> load_partial(const fs::path& dir, const std::string& manifest, std::uint64_t g, std::size_t k) {
  std::error_code ec;
  if (!fs::exists(batch_state_path(dir), ec)) return std::nullopt;
  const std::string path = batch_state_path(dir).string();
  const std::string bytes = io::read_file(path);
  io::BinaryReader in(bytes, path);
  if (in.str() != kPartialMagic) in.fail("not a calibration's state");
  if (in.str() != sha256_hex(manifest)) in.fail("a state of another calibration");
  Partial p;
  p.generation = in.u64();
  p.first = in.u64();
  p.proposals = in.u64();
  p.runs = in.u64();
  const std::uint64_t n = in.u64();
  if (n > (std::uint64_t{1} << 32)) in.fail("an impossible number of particles");
  for (std::uint64_t i = 0; i < n; ++i) {
    p.next.theta.push_back(in.array<double>());
    if (p.next.theta.back().size() != k) in.fail("a particle of the wrong size");
  }
  p.next.distance = in.array<double>();
  if (p.next.distance.size() != n || !in.done()) in.fail("inconsistent particles");
  if (p.generation != g) return std::nullopt;  // a generation finished since: nothing to take
  return p;
}

}  // namespace

double target_distance(const RunSummary& summary, double cap) {
  if (summary.targets.empty()) return 0;
  double sum = 0;
  for (const auto& t : summary.targets) sum += t.hit ? 0.0 : std::min(std::max(t.miss, 0.0), cap);
  return sum / static_cast<double>(summary.targets.size());
}

double prior_log_density(const Prior& p, double x) {
  if (!p.contains(x)) return -kInf;
  constexpr double half_log_2pi = 0.91893853320467274178;
  switch (p.dist) {
    case Prior::Dist::uniform: return -std::log(p.b - p.a);
    case Prior::Dist::normal: {
      const double z = (x - p.a) / p.b;
      return -0.5 * z * z - std::log(p.b) - half_log_2pi;
    }
    case Prior::Dist::lognormal: {
      if (x <= 0) return -kInf;
      const double z = (std::log(x) - std::log(p.a)) / p.b;
      return -0.5 * z * z - std::log(x * p.b) - half_log_2pi;
    }
    case Prior::Dist::beta: {
      if (x <= 0 || x >= 1) return -kInf;
      return (p.a - 1) * std::log(x) + (p.b - 1) * std::log1p(-x) - (std::lgamma(p.a) + std::lgamma(p.b) - std::lgamma(p.a + p.b));
    }
  }
  return -kInf;
}

AbcOutcome run_abc(const LoadedScenario& scenario, const AbcOptions& o, const fs::path& dir) {
  const auto start = std::chrono::steady_clock::now();
  const auto& items = scenario.parameters().items();
  // What is calibrated.
  std::vector<std::size_t> index;
  std::vector<std::string> names = o.parameters;
  if (names.empty())
    for (const auto& p : items)
      if (p.calibrate) names.push_back(p.name);
  if (names.empty())
    throw UsageError("nothing to calibrate: mark parameters with 'calibrate: true' in the scenario, or name them with --parameters");
  if (names.size() > kMaxCalibrated)
    throw UsageError(std::to_string(names.size()) + " parameters to calibrate; at most " + std::to_string(kMaxCalibrated) +
                     " (choose them with azsim sensitivity)");
  std::vector<std::string> known;
  for (const auto& p : items) known.push_back(p.name);
  for (const auto& n : names) {
    const auto i = scenario.parameters().index_of(n);
    if (!i) throw UsageError("'" + n + "' is not a parameter of the scenario" + did_you_mean(n, known));
    if (std::find(index.begin(), index.end(), *i) != index.end()) throw UsageError("'" + n + "' is named twice");
    index.push_back(*i);
  }
  if (o.particles < 2) throw UsageError("--particles must be at least 2");
  if (o.replicates < 1) throw UsageError("--replicates must be at least 1");
  if (!(o.quantile > 0 && o.quantile < 1)) throw UsageError("the tolerance quantile must lie in (0, 1)");
  const std::size_t k = index.size();
  const std::uint64_t N = o.particles, B = o.batch > 0 ? o.batch : o.particles;

  ManifestInfo info{"calibrate", o.seed, 0, 0,
                    {{"particles", std::to_string(N)}, {"generations", std::to_string(o.generations)},
                     {"quantile", io::format_double(o.quantile)}, {"min_tolerance", io::format_double(o.min_tolerance)},
                     {"budget", std::to_string(o.budget)}, {"batch", std::to_string(B)},
                     {"replicates", std::to_string(o.replicates)}, {"miss_cap", io::format_double(o.miss_cap)}}};
  std::string calibrated;
  for (const auto& n : names) calibrated += (calibrated.empty() ? "" : ",") + n;
  info.extra.push_back({"parameters", calibrated});
  const std::string manifest = manifest_json(scenario, info);

  // The folder: fresh, or resumed from its last complete generation.
  std::vector<GenerationRow> history;
  Population pop;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) io::remove_stale_temporaries(dir);  // what a killed azsim left half-written
  // A resume of a folder where nothing was finished (killed before its manifest) starts afresh.
  if (o.resume && (fs::exists(dir / "manifest.json", ec) || !output_dir_is_blank(dir))) {
    if (!fs::exists(dir / "manifest.json", ec))
      throw UsageError(dir.string() + " holds no calibration to resume");
    if (io::read_file(dir / "manifest.json") != manifest)
      throw UsageError(dir.string() + " was calibrated with another scenario, seed or options; resume it with the same command");
    // No generations.csv yet: stopped during generation 0, which starts again.
    if (fs::exists(dir / "generations.csv", ec)) history = read_generations(dir / "generations.csv");
    if (!history.empty()) pop = read_population(dir / ("population_" + std::to_string(history.back().generation) + ".csv"), k);
  } else {
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec) && !o.force && !output_dir_is_blank(dir))
      throw UsageError(dir.string() + " is not empty; choose another --out, pass --resume to continue a calibration, or --force");
    prepare_output_dir(dir, o.force);
    fs::remove(dir / "generations.csv", ec);
    fs::remove(dir / "posterior.csv", ec);
    fs::remove(batch_state_path(dir), ec);
    io::write_file_atomic(dir / "manifest.json", manifest);  // first: it keys the resume
  }
  {
    // Written again on a resume (the same bytes): the manifest may have been all a killed run wrote.
    io::AtomicFile file(dir / "priors.csv");
    io::CsvWriter csv(file.stream(), {"parameter", "dist", "a", "b", "low", "high", "q05", "q50", "q95", "value"});
    for (std::size_t d = 0; d < index.size(); ++d) {
      const Parameter& p = items[index[d]];
      csv.field(p.name).field(Prior::name(p.prior.dist)).field(p.prior.a).field(p.prior.b).field(p.prior.low)
          .field(p.prior.high).field(stats::prior_quantile(p.prior, 0.05)).field(stats::prior_quantile(p.prior, 0.5))
          .field(stats::prior_quantile(p.prior, 0.95)).field(p.value).end_row();
    }
    file.commit();
  }

  std::vector<double> base;
  for (const auto& p : items) base.push_back(p.value);
  const exec::Executor outer(o.threads);
  const InterruptScope interrupts;
  AbcOutcome out;
  for (const auto& g : history) out.runs += g.runs;

  // The kernel and the weights work on a log scale for parameters with a log-normal or beta
  // prior (positive, skewed, spanning orders of magnitude): there a normal step is a factor,
  // and the prior density carries the Jacobian theta of the change of variable. On the
  // natural scale the prior density 1/theta of a wide log-normal gave the smallest values
  // nearly all the weight (ESS below 10 of 150).
  std::vector<char> log_scale(k, 0);
  for (std::size_t d = 0; d < k; ++d) {
    const auto dist = items[index[d]].prior.dist;
    log_scale[d] = dist == Prior::Dist::lognormal || dist == Prior::Dist::beta;
  }
  const auto to_work = [&](const std::vector<double>& theta) {
    std::vector<double> x(theta);
    for (std::size_t d = 0; d < k; ++d)
      if (log_scale[d]) x[d] = std::log(theta[d]);
    return x;
  };
  std::vector<std::vector<double>> pop_work;  // the last population on the working scale

  const auto propose = [&](std::uint64_t g, std::uint64_t j, const Kernel* kernel, const std::vector<double>* cumulative) {
    rng::Stream s({o.seed, g}, 0, j, kProposalPurpose);
    std::vector<double> theta(k);
    for (int attempt = 0; attempt < 10000; ++attempt) {
      if (g == 0) {
        for (std::size_t d = 0; d < k; ++d) theta[d] = stats::prior_quantile(items[index[d]].prior, s.uniform_open());
      } else {
        const double u = s.uniform();
        const auto a = std::min<std::size_t>(
            static_cast<std::size_t>(std::upper_bound(cumulative->begin(), cumulative->end(), u) - cumulative->begin()),
            pop.theta.size() - 1);
        Eigen::VectorXd z(static_cast<Eigen::Index>(k));
        for (std::size_t d = 0; d < k; ++d) z[static_cast<Eigen::Index>(d)] = rng::normal(s, 0, 1);
        const Eigen::VectorXd step = kernel->chol * z;
        for (std::size_t d = 0; d < k; ++d) {
          const double x = pop_work[a][d] + step[static_cast<Eigen::Index>(d)];
          theta[d] = log_scale[d] ? std::exp(x) : x;
        }
      }
      bool inside = true;
      for (std::size_t d = 0; d < k; ++d) inside = inside && items[index[d]].prior.contains(theta[d]);
      if (inside) return theta;
    }
    throw Error("calibration: 10000 perturbations in a row fell outside the priors");
  };

  for (std::uint64_t g = history.empty() ? 0 : history.back().generation + 1; g < o.generations; ++g) {
    if (!history.empty() && history.back().tolerance <= o.min_tolerance) break;
    double tolerance = kInf;
    bool strict = false;  // the tolerance equals the worst distance: accept only better ones, or nothing moves
    Kernel kernel;
    std::vector<double> cumulative;
    if (g > 0) {
      tolerance = sample_quantile(pop.distance, o.quantile);
      strict = tolerance >= *std::max_element(pop.distance.begin(), pop.distance.end());
      if (strict && tolerance <= *std::min_element(pop.distance.begin(), pop.distance.end())) {
        out.stopped_because = "every particle of generation " + std::to_string(g - 1) + " has the same distance (" +
                              format_rounded(tolerance) +
                              "): the targets give no gradient to follow (are they all missed by the cap? see "
                              "--miss-cap, the priors and the targets)";
        break;
      }
      Population work = pop;
      for (auto& t : work.theta) t = to_work(t);
      pop_work = work.theta;
      kernel = make_kernel(work, k);
      double run_sum = 0;
      for (double w : pop.weight) cumulative.push_back(run_sum += w);
      for (double& c : cumulative) c /= run_sum;
    }
    Population next;
    GenerationRow row;
    row.generation = g;
    row.tolerance = tolerance;
    bool stop = false;
    const std::uint64_t max_proposals = o.max_proposals > 0 ? o.max_proposals : 100 * N;
    std::uint64_t resume_at = 0;
    if (o.resume)
      if (auto partial = load_partial(dir, manifest, g, k)) {
        next = std::move(partial->next);
        row.proposals = partial->proposals;
        row.runs = partial->runs;
        resume_at = partial->first;
      }
    for (std::uint64_t first = resume_at; next.theta.size() < N; first += B) {
      if (row.proposals >= max_proposals) {
        out.stopped_because = "generation " + std::to_string(g) + " accepted " + std::to_string(next.theta.size()) +
                              " of " + std::to_string(row.proposals) + " proposals, too few to go on (tolerance " +
                              format_rounded(tolerance) + "); the last complete generation is the posterior";
        stop = true;
        break;
      }
      if (o.budget > 0 && out.runs + row.runs + B * o.replicates > o.budget) {
        stop = true;
        break;
      }
      if (InterruptScope::requested()) {
        out.interrupted = true;
        stop = true;
        break;
      }
      // The batch's proposals (cheap, here), then their runs across threads and processes.
      std::vector<std::vector<double>> thetas(B);
      std::vector<BatchJob> jobs(B * o.replicates);
      for (std::uint64_t b = 0; b < B; ++b) {
        const std::uint64_t j = first + b;
        thetas[b] = propose(g, j, g > 0 ? &kernel : nullptr, &cumulative);
        std::vector<double> values = base;
        for (std::size_t d = 0; d < k; ++d) values[index[d]] = thetas[b][d];
        for (std::uint64_t r = 0; r < o.replicates; ++r) jobs[b * o.replicates + r] = {(g << 40) + j * o.replicates + r, values};
      }
      std::vector<std::size_t> todo(jobs.size());
      std::iota(todo.begin(), todo.end(), std::size_t{0});
      std::vector<double> distances(jobs.size(), kInf);
      cluster::run_jobs(
          scenario, jobs, todo, cluster::JobsOptions{o.seed, false, 0, dir}, outer,
          [&](std::size_t i, RunSummary&& summary) { distances[i] = target_distance(summary, o.miss_cap); },
          [] { return InterruptScope::requested(); });
      if (InterruptScope::requested()) {  // the batch is incomplete: this generation is made again on resume
        out.interrupted = true;
        stop = true;
        break;
      }
      std::vector<double> dist(B, kInf);
      for (std::uint64_t b = 0; b < B; ++b) {
        double sum = 0;  // the replicates' distances, summed in order
        for (std::uint64_t r = 0; r < o.replicates; ++r) sum += distances[b * o.replicates + r];
        dist[b] = sum / static_cast<double>(o.replicates);
      }
      row.proposals += B;
      row.runs += B * o.replicates;
      for (std::uint64_t b = 0; b < B && next.theta.size() < N; ++b)
        if (strict ? dist[b] < tolerance : dist[b] <= tolerance) {
          next.theta.push_back(std::move(thetas[b]));
          next.distance.push_back(dist[b]);
        }
      if (next.theta.size() < N) save_partial(dir, manifest, {g, first + B, row.proposals, row.runs, next});
    }
    if (stop) break;
    // Importance weights: prior density over the kernel mixture's density.
    next.weight.resize(N);
    if (g == 0) {
      std::fill(next.weight.begin(), next.weight.end(), 1.0 / static_cast<double>(N));
    } else {
      std::vector<double> logw(N);
      std::vector<double> terms(pop.theta.size());
      for (std::size_t i = 0; i < N; ++i) {
        double lp = 0;  // the prior density on the working scale
        for (std::size_t d = 0; d < k; ++d)
          lp += prior_log_density(items[index[d]].prior, next.theta[i][d]) +
                (log_scale[d] ? std::log(next.theta[i][d]) : 0.0);
        const std::vector<double> xi = to_work(next.theta[i]);
        for (std::size_t a = 0; a < pop.theta.size(); ++a) {
          Eigen::VectorXd x(static_cast<Eigen::Index>(k));
          for (std::size_t d = 0; d < k; ++d) x[static_cast<Eigen::Index>(d)] = xi[d] - pop_work[a][d];
          terms[a] = std::log(pop.weight[a]) - 0.5 * x.dot(kernel.inverse * x);
        }
        logw[i] = lp - log_sum_exp(terms);
      }
      const double norm = log_sum_exp(logw);
      for (std::size_t i = 0; i < N; ++i) next.weight[i] = std::exp(logw[i] - norm);
    }
    double sq = 0;
    for (double w : next.weight) sq += w * w;
    row.accepted = N;
    row.ess = 1 / sq;
    pop = std::move(next);
    history.push_back(row);
    out.runs += row.runs;
    write_population(dir / ("population_" + std::to_string(g) + ".csv"), names, pop);
    write_generations(dir / "generations.csv", history);  // after the population: it marks it complete
    fs::remove(batch_state_path(dir), ec);  // the generation under way is complete
    if (!o.quiet)
      std::cerr << "generation " << g << ": tolerance " << format_rounded(tolerance) << ", " << row.runs << " runs, "
                << "acceptance " << format_rounded(100.0 * static_cast<double>(N) / static_cast<double>(row.proposals))
                << "%, ESS " << format_rounded(row.ess) << " of " << N << "\n";
  }

  if (history.empty()) {
    out.interrupted = true;
  } else {
    out.generations = history.back().generation + 1;
    out.tolerance = history.back().tolerance;
    out.ess = history.back().ess;
    if (!out.interrupted) {
      fs::remove(batch_state_path(dir), ec);  // stopped early: no generation is under way
      write_population(dir / "posterior.csv", names, pop);
      // A scenario taking its parameters from the posterior, based on the calibrated one.
      const fs::path scenario_path = fs::absolute(scenario.document().chain.front().path, ec);
      const fs::path rel = fs::relative(scenario_path, fs::absolute(dir, ec), ec);
      io::write_file_atomic(dir / "calibrated.yaml",
                            "# Made by azsim calibrate: each run takes one particle of posterior.csv, chosen by its\n"
                            "# key (seed, run). Move it beside its base and posterior and fix both paths if needed.\n"
                            "schema_version: 1\nmodel: " + scenario.document().model + "\nbase: " +
                                (rel.empty() ? scenario_path.string() : rel.string()) + "\nposterior: posterior.csv\n");
    }
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_run_info(dir, out.wall_seconds, outer.threads());
  return out;
}

}  // namespace azsim
