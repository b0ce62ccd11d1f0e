// azsim: the command-line front end. Binds the models to the core and dispatches commands.
// Exit codes: 0 success, 1 invalid scenario (or a failed run), 2 usage error.

#include <CLI/CLI.hpp>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/exec/executor.hpp"
#include "core/model.hpp"
#include "core/mpi/cluster.hpp"
#include "core/io/csv.hpp"
#include "core/run/ensemble.hpp"
#include "core/run/manifest.hpp"
#include "core/run/progress.hpp"
#include "core/run/rows.hpp"
#include "core/calibrate/abc.hpp"
#include "core/calibrate/fidelity.hpp"
#include "core/run/sensitivity.hpp"
#include "core/scenario/posterior.hpp"
#include "core/sha256.hpp"
#include "core/io/atomic_file.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "models/azawad/model.hpp"
#include "models/civil_violence/model.hpp"

namespace {

azsim::ModelRegistry make_registry() {
  azsim::ModelRegistry registry;
  registry.add(azsim::azawad::make_model());
  registry.add(azsim::civil_violence::make_model());
  return registry;
}

void require_files(const std::vector<std::string>& files);

int cmd_validate(const azsim::ModelRegistry& registry, const std::vector<std::string>& files,
                 const std::vector<std::string>& sets, bool quiet) {
  require_files(files);  // a missing file is a usage error, found before any file is checked
  int status = 0;
  for (const auto& file : files) {
    try {
      auto scenario = azsim::load_scenario(registry, file, sets);
      if (!quiet) {
        std::cout << file << ": valid — " << scenario->name() << "\n";
        for (const auto& item : scenario->summary())
          std::cout << "  " << item.label << std::string(12 - std::min<std::size_t>(11, item.label.size()), ' ')
                    << item.value << "\n";
        const auto& chain = scenario->document().chain;
        for (std::size_t i = 1; i < chain.size(); ++i) std::cout << "  based on    " << chain[i].path << "\n";
        if (const auto& post = scenario->document().posterior)
          std::cout << "  posterior   " << post->particles.size() << " particles of " << post->parameters.size()
                    << " parameters, " << post->path << " (each run takes one)\n";
      }
    } catch (const azsim::ScenarioError& e) {
      const auto& d = e.diagnostics();
      std::cerr << d.to_string();
      std::cerr << file << ": invalid (" << d.size() + d.dropped() << " error"
                << (d.size() + d.dropped() == 1 ? "" : "s") << ")\n";
      status = std::max(status, 1);
    }
  }
  return status;
}

void require_files(const std::vector<std::string>& files) {
  for (const auto& file : files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      throw azsim::UsageError(std::filesystem::exists(file, ec) ? file + " is not a regular file"
                                                                : "no such file: " + file);
  }
}

struct RunOptions {
  std::string scenario;
  std::vector<std::string> sets;
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
  std::uint64_t runs = 0;  ///< 0: one run (single-run files); N: an ensemble of runs 0..N-1
  std::uint64_t trace = 0;
  std::uint64_t stop_after = 0;
  int threads = 1;
  std::string out;
  bool force = false;
  bool quiet = false;
  bool resume = false;
};

constexpr int kInterrupted = 130;  // as a shell reports a process ended by SIGINT

azsim::EnsembleOptions ensemble_options(const RunOptions& o, const char* command) {
  azsim::EnsembleOptions e;
  e.seed = o.seed;
  e.runs = o.runs;
  e.threads = o.threads;
  e.trace = o.trace;
  e.resume = o.resume;
  e.force = o.force;
  e.quiet = o.quiet;
  e.command = command;
  e.stop_after = o.stop_after;
  // Testing (the SIGKILL tests): save the resume state this often instead of every 5 s.
  if (const char* every = std::getenv("AZSIM_CHECKPOINT_SECONDS"); every && std::atof(every) > 0)
    e.checkpoint_seconds = std::atof(every);
  return e;
}

int report_interrupted(const azsim::EnsembleOutcome& r, const std::string& out) {
  std::cerr << "azsim: interrupted with " << r.runs << " of " << r.total << " runs done; nothing finished is lost. "
            << "Run the same command with --resume to continue into " << out
            << (azsim::cluster::size() > 1 ? " (with any number of processes)" : "") << "\n";
  return kInterrupted;
}

/// @brief Hit rates as `azsim run --runs` prints them, from the folder's targets.csv.
void print_targets(const std::filesystem::path& dir) {
  const auto rows = azsim::io::read_csv(azsim::io::read_file(dir / "targets.csv"));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];  // target, description, runs, hits, hit_rate, low, high, median_miss
    std::cout << "  " << row[0] << "  " << std::setw(6) << std::fixed << std::setprecision(1)
              << 100 * std::stod(row[4] == "NA" ? "0" : row[4]) << "%  [" << std::setprecision(0)
              << 100 * std::stod(row[5] == "NA" ? "0" : row[5]) << "-" << 100 * std::stod(row[6] == "NA" ? "1" : row[6])
              << "%]  " << row[1] << "\n";
  }
  std::cout.unsetf(std::ios::floatfield);
  std::cout << std::setprecision(6);
}

bool has_targets(const std::filesystem::path& dir) {
  return azsim::io::read_csv(azsim::io::read_file(dir / "targets.csv")).size() > 1;
}

/// @brief Each outcome's median and 90% range over the runs, from the folder's runs.csv.
void print_outcome_medians(const std::filesystem::path& dir) {
  const auto runs = azsim::read_runs_csv(dir / "runs.csv", 2);  // run, seed
  std::cout << "outcomes over the runs: median [5%-95%]\n";
  for (std::size_t c = 0; c < runs.names.size(); ++c)
    std::cout << "  " << std::left << std::setw(24) << runs.names[c] << std::right << " "
              << azsim::format_rounded(azsim::sample_quantile(runs.columns[c], 0.5)) << "  ["
              << azsim::format_rounded(azsim::sample_quantile(runs.columns[c], 0.05)) << "-"
              << azsim::format_rounded(azsim::sample_quantile(runs.columns[c], 0.95)) << "]\n";
}

int cmd_ensemble(const azsim::ModelRegistry& registry, const RunOptions& o, const char* command) {
  require_files({o.scenario});
  auto scenario = azsim::load_scenario(registry, o.scenario, o.sets);
  const auto r = azsim::run_ensemble(*scenario, ensemble_options(o, command), o.out);
  if (r.interrupted) return report_interrupted(r, o.out);
  if (!o.quiet) {
    std::cout << scenario->name() << ": " << o.runs << " runs of seed " << o.seed << " ("
              << r.made << " made now) in " << azsim::format_duration(r.wall_seconds) << "\n";
    if (has_targets(o.out)) {
      std::cout << "target hit rates (95% interval):\n";
      print_targets(o.out);
    } else {
      print_outcome_medians(o.out);  // a model without targets (civil_violence)
    }
    std::cout << "outputs in " << o.out << " (plots: azsim plot " << o.out << ")\n";
  }
  return 0;
}

int cmd_run(const azsim::ModelRegistry& registry, const RunOptions& o, const char* command = "run") {
  if (o.runs > 0) return cmd_ensemble(registry, o, command);
  if (o.trace > 0 || o.resume) throw azsim::UsageError(std::string(o.trace > 0 ? "--trace" : "--resume") + " needs --runs");
  require_files({o.scenario});
  const auto start = std::chrono::steady_clock::now();
  auto scenario = azsim::load_scenario(registry, o.scenario, o.sets);
  azsim::prepare_output_dir(o.out, o.force);
  azsim::exec::Executor executor(o.threads);
  azsim::RunRequest request;
  request.seed = o.seed;
  request.run = o.run;
  request.executor = &executor;
  request.out_dir = o.out;
  const std::vector<double> particle = azsim::posterior_values(*scenario, o.seed, o.run);
  if (!particle.empty()) request.parameter_values = &particle;
  const azsim::RunSummary summary = scenario->run(request);
  azsim::write_manifest(o.out, *scenario, {command, o.seed, o.run, 1, {}});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  azsim::write_run_info(o.out, wall, executor.threads());
  if (!o.quiet) {
    int hits = 0;
    for (const auto& t : summary.targets) hits += t.hit ? 1 : 0;
    std::cout << scenario->name() << ": seed " << o.seed << ", run " << o.run << " in " << wall << " s";
    if (summary.targets.empty()) {  // a model without targets: its outcomes
      std::cout << "\n";
      for (const auto& out : summary.outcomes)
        std::cout << "  " << std::left << std::setw(24) << out.name << std::right << " "
                  << (out.value ? azsim::format_rounded(*out.value) : std::string("NA")) << " " << out.unit << "\n";
    } else {
      std::cout << "; " << hits << " of " << summary.targets.size() << " targets hit\n";
    }
    for (const auto& t : summary.targets)
      std::cout << "  " << (t.hit ? "hit " : "miss") << "  " << t.id << "  (miss " << t.miss << ")  "
                << t.description << "\n";
    std::cout << "outputs in " << o.out << "\n";
  }
  return 0;
}

int cmd_whatif(const azsim::ModelRegistry& registry, const RunOptions& o, const std::string& cf_path) {
  require_files({o.scenario, cf_path});
  auto base = azsim::load_scenario(registry, o.scenario);
  auto cf = azsim::load_scenario(registry, cf_path);
  auto options = ensemble_options(o, "whatif");
  const auto r = azsim::run_whatif(*base, *cf, options, o.out, o.quiet ? nullptr : &std::cout);
  if (r.interrupted) return report_interrupted(r, o.out);
  if (!o.quiet)
    std::cout << "\n" << cf->name() << " against " << base->name() << ": " << o.runs << " paired runs in "
              << azsim::format_duration(r.wall_seconds) << "; table in " << (std::filesystem::path(o.out) / "whatif.csv").string()
              << " (plots: azsim plot " << o.out << ")\n";
  return 0;
}

int cmd_eval(const azsim::ModelRegistry& registry, const RunOptions& o, const std::string& design_file,
             std::uint64_t replicates) {
  require_files({o.scenario});
  auto scenario = azsim::load_scenario(registry, o.scenario, o.sets);
  const azsim::Design design = azsim::read_design(design_file, scenario->parameters());
  const auto r = azsim::run_eval(*scenario, design, replicates, ensemble_options(o, "eval"), o.out);
  if (r.interrupted) return report_interrupted(r, o.out);
  if (!o.quiet)
    std::cout << design.points.size() << " points x " << replicates << " replicates in "
              << azsim::format_duration(r.wall_seconds) << "; one row per run in "
              << (std::filesystem::path(o.out) / "runs.csv").string() << "\n";
  return 0;
}

int cmd_sensitivity(const azsim::ModelRegistry& registry, const RunOptions& o, const azsim::MorrisOptions& m) {
  require_files({o.scenario});
  auto scenario = azsim::load_scenario(registry, o.scenario, o.sets);
  const auto r = azsim::run_morris(*scenario, m, ensemble_options(o, "sensitivity"), o.out);
  if (r.interrupted) return report_interrupted(r, o.out);
  if (!o.quiet)
    std::cout << "Morris screening: " << m.trajectories << " trajectories x " << m.replicates << " replicates ("
              << r.runs << " runs) in " << azsim::format_duration(r.wall_seconds) << "; effects in "
              << (std::filesystem::path(o.out) / "morris.csv").string() << " (plots: azsim plot " << o.out << ")\n";
  return 0;
}

int cmd_fidelity(const azsim::ModelRegistry& registry, const RunOptions& o) {
  require_files({o.scenario});
  auto scenario = azsim::load_scenario(registry, o.scenario);
  const auto r = azsim::run_fidelity(*scenario, ensemble_options(o, "fidelity"), o.out, o.quiet ? nullptr : &std::cout);
  if (r.interrupted) return report_interrupted(r, o.out);
  if (!o.quiet)
    std::cout << "tables in " << o.out << " (fidelity.csv, together.csv, dates.csv); plots: azsim plot " << o.out << "\n";
  return 0;
}

int cmd_calibrate(const azsim::ModelRegistry& registry, const std::string& file, const std::string& out,
                  const std::string& params, azsim::AbcOptions abc) {
  require_files({file});
  auto scenario = azsim::load_scenario(registry, file);
  for (std::size_t at = 0; !params.empty() && at <= params.size();) {
    const auto comma = std::min(params.find(',', at), params.size());
    if (comma > at) abc.parameters.push_back(params.substr(at, comma - at));
    at = comma + 1;
  }
  const auto r = azsim::run_abc(*scenario, abc, out);
  if (r.interrupted) {
    std::cerr << "azsim: calibration interrupted after " << r.generations << " complete generations; "
              << "run the same command with --resume to continue into " << out
              << (azsim::cluster::size() > 1 ? " (with any number of processes)" : "") << "\n";
    return kInterrupted;
  }
  if (!r.stopped_because.empty()) std::cerr << "azsim: calibration stopped early: " << r.stopped_because << "\n";
  if (!abc.quiet)
    std::cout << "calibrated in " << r.generations << " generations, " << r.runs << " runs, "
              << azsim::format_duration(r.wall_seconds) << "; final tolerance " << azsim::format_rounded(r.tolerance)
              << ", ESS " << azsim::format_rounded(r.ess) << "\nposterior: "
              << (std::filesystem::path(out) / "posterior.csv").string() << "; scenario taking it: "
              << (std::filesystem::path(out) / "calibrated.yaml").string() << "\n";
  return 0;
}

/// @brief The source tree's root, from the binary's location (build/bin/azsim) or the
/// AZSIM_HOME variable: where analysis/ and scripts/find-python are.
std::filesystem::path project_root(const char* argv0) {
  if (const char* home = std::getenv("AZSIM_HOME")) return home;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv0, ec);
  for (auto p = self.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path())
    if (std::filesystem::exists(p / "analysis" / "__main__.py", ec)) return p;
  return AZSIM_SOURCE_ROOT;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int cmd_plot(const char* argv0, const std::string& dir, const std::string& only) {
  const auto root = project_root(argv0);
  std::error_code ec;
  if (!std::filesystem::exists(root / "analysis" / "__main__.py", ec))
    throw azsim::UsageError("cannot find the analysis package (looked in " + root.string() + "); set AZSIM_HOME to the source tree");
  if (!std::filesystem::is_directory(dir, ec)) throw azsim::UsageError("no such folder: " + dir);
  const std::string cmd = "PY=$(" + shell_quote((root / "scripts" / "find-python").string()) + ") && cd " +
                          shell_quote(root.string()) + " && MPLBACKEND=Agg \"$PY\" -m analysis " +
                          shell_quote(std::filesystem::absolute(dir).string()) +
                          (only.empty() ? "" : " --only " + shell_quote(only));
  const int status = std::system(cmd.c_str());
  if (status == -1) throw azsim::Error("could not start the Python analysis");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int cmd_rerun(const azsim::ModelRegistry& registry, const std::string& manifest, std::string out, bool force,
              int threads, bool quiet) {
  const azsim::ManifestReplay m = azsim::read_manifest(manifest);
  if (m.command != "run")
    throw azsim::UsageError(manifest + ": made by `azsim " + m.command + "`; rerun reproduces the folders of `azsim run` (with or without --runs)");
  // The scenario files must still be the ones the run used.
  for (std::size_t i = 0; i < m.chain_paths.size(); ++i) {
    std::error_code ec;
    if (!std::filesystem::exists(m.chain_paths[i], ec))
      throw azsim::UsageError(manifest + ": scenario file " + m.chain_paths[i] + " no longer exists (run from the folder the original run was made in)");
    if (azsim::sha256_hex(azsim::io::read_file(m.chain_paths[i])) != m.chain_sha256[i])
      throw azsim::UsageError(manifest + ": " + m.chain_paths[i] + " has changed since the run (sha256 differs)");
  }
  if (out.empty()) out = (std::filesystem::path(manifest).parent_path() / "rerun").string();
  RunOptions o;
  o.scenario = m.scenario_path;
  o.sets = m.sets;
  o.seed = m.seed;
  o.run = m.first_run;
  if (m.runs > 1) o.runs = m.runs;  // an ensemble's folder: make the ensemble again
  o.threads = threads;
  o.out = out;
  o.force = force;
  o.quiet = quiet;
  return cmd_run(registry, o, m.command.c_str());
}

int cmd_params(const azsim::ModelRegistry& registry, const std::string& model_name) {
  const azsim::Model* model = registry.find(model_name);
  if (!model) throw azsim::UsageError("unknown model '" + model_name + "'");
  std::cout << "# Parameters of the `" << model->name() << "` model\n\n"
            << "Generated by `azsim params --model " << model->name()
            << "`; the table lives in the model's source. Every scenario gives each of them a "
               "value and a prior.\n\n| name | unit | domain | meaning |\n|---|---|---|---|\n";
  for (const auto& p : model->parameter_table()) {
    const char* domain = p.domain == azsim::ParameterDomain::probability    ? "[0, 1]"
                         : p.domain == azsim::ParameterDomain::positive     ? "> 0"
                         : p.domain == azsim::ParameterDomain::non_negative ? ">= 0"
                                                                            : "real";
    std::cout << "| `" << p.group << "." << p.name << "` | " << p.unit << " | " << domain << " | "
              << p.doc << " |\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun or srun every rank but 0 only makes the runs rank 0 hands out (docs/cluster.md).
  const azsim::cluster::Session cluster(argc, argv);
  const auto registry = make_registry();
  if (cluster.worker()) return cluster.serve(registry);
  CLI::App app{"azsim: agent-based simulation of the 2012-2014 conflict in Azawad, and other "
               "conflict models on the same engine"};
  app.set_version_flag("--version", std::string("azsim ") + azsim::version() + " (git " +
                                        azsim::git_revision() + ")");
  app.require_subcommand(1);

  std::vector<std::string> files, sets;
  bool quiet = false;
  auto* validate = app.add_subcommand("validate", "Check scenario files and summarise them");
  validate->add_option("files", files, "Scenario files")->required();
  validate->add_option("--set", sets, "Override a value: PATH=VALUE (repeatable)");
  validate->add_flag("-q,--quiet", quiet, "Print only errors");

  std::string model_name = "azawad";
  auto* params = app.add_subcommand("params", "Print a model's parameter table (Markdown)");
  params->add_option("--model", model_name, "Model name")->capture_default_str();

  RunOptions run_opts;
  auto* run = app.add_subcommand("run", "Simulate a scenario once and write its outputs");
  run->add_option("scenario", run_opts.scenario, "Scenario file")->required();
  run->add_option("--seed", run_opts.seed, "Master seed")->capture_default_str();
  run->add_option("--run", run_opts.run, "Run index (a run's randomness is keyed by seed and run)")->capture_default_str();
  run->add_option("--threads", run_opts.threads, "Threads (results never depend on it)")->capture_default_str()->check(CLI::Range(1, 1024));
  run->add_option("--out", run_opts.out, "Output folder")->required();
  run->add_option("--set", run_opts.sets, "Override a value: PATH=VALUE (repeatable)");
  run->add_option("--runs", run_opts.runs, "Make an ensemble of runs 0..N-1 and write its probabilities and quantiles")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  run->add_option("--trace", run_opts.trace, "With --runs: also keep the single-run files of the first K runs in OUT/runs/<i>/");
  run->add_flag("--resume", run_opts.resume, "With --runs: continue an interrupted ensemble in OUT");
  run->add_option("--stop-after", run_opts.stop_after, "Testing: stop as if interrupted after this many runs")->group("");
  run->add_flag("--force", run_opts.force, "Write into a non-empty folder");
  run->add_flag("-q,--quiet", run_opts.quiet, "Print nothing on success (no progress bar)");

  RunOptions whatif_opts;
  whatif_opts.runs = 100;
  std::string whatif_cf;
  auto* whatif = app.add_subcommand("whatif", "Compare a counterfactual with its base scenario under common random numbers");
  whatif->add_option("base", whatif_opts.scenario, "The base scenario file")->required();
  whatif->add_option("counterfactual", whatif_cf, "A scenario whose base: chain leads to BASE")->required();
  whatif->add_option("--runs", whatif_opts.runs, "Runs of each")->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  whatif->add_option("--seed", whatif_opts.seed, "Master seed")->capture_default_str();
  whatif->add_option("--threads", whatif_opts.threads, "Threads (results never depend on it)")->capture_default_str()->check(CLI::Range(1, 1024));
  whatif->add_option("--out", whatif_opts.out, "Output folder")->required();
  whatif->add_flag("--resume", whatif_opts.resume, "Continue an interrupted what-if in OUT");
  whatif->add_option("--stop-after", whatif_opts.stop_after, "Testing: stop as if interrupted after this many runs")->group("");
  whatif->add_flag("--force", whatif_opts.force, "Write into a non-empty folder");
  whatif->add_flag("-q,--quiet", whatif_opts.quiet, "Print nothing on success");

  RunOptions eval_opts;
  std::string design_file;
  std::uint64_t replicates = 1;
  auto* eval = app.add_subcommand("eval", "Run a design of parameter values (one row per point), for outside tools");
  eval->add_option("scenario", eval_opts.scenario, "Scenario file")->required();
  eval->add_option("--design", design_file, "CSV: a header of parameter names, one row of values per point")->required();
  eval->add_option("--replicates", replicates, "Runs per point (replicate r uses run key r at every point)")->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}));
  eval->add_option("--seed", eval_opts.seed, "Master seed")->capture_default_str();
  eval->add_option("--threads", eval_opts.threads, "Threads (results never depend on it)")->capture_default_str()->check(CLI::Range(1, 1024));
  eval->add_option("--out", eval_opts.out, "Output folder")->required();
  eval->add_option("--set", eval_opts.sets, "Override a value: PATH=VALUE (repeatable)");
  eval->add_flag("--resume", eval_opts.resume, "Continue an interrupted evaluation in OUT");
  eval->add_flag("--force", eval_opts.force, "Write into a non-empty folder");
  eval->add_flag("-q,--quiet", eval_opts.quiet, "Print nothing on success");

  RunOptions sens_opts;
  std::string method = "morris";
  azsim::MorrisOptions morris;
  auto* sensitivity = app.add_subcommand("sensitivity", "Screen every parameter's effect on every outcome (Morris elementary effects)");
  sensitivity->add_option("scenario", sens_opts.scenario, "Scenario file")->required();
  sensitivity->add_option("--method", method, "Screening method")->capture_default_str()->check(CLI::IsMember({"morris"}));
  sensitivity->add_option("--trajectories", morris.trajectories, "Morris trajectories (each: one effect per parameter)")->capture_default_str()->check(CLI::Range(std::uint64_t{2}, std::uint64_t{10000}));
  sensitivity->add_option("--levels", morris.levels, "Grid levels per parameter (even)")->capture_default_str()->check(CLI::Range(2, 100));
  sensitivity->add_option("--replicates", morris.replicates, "Runs per point, averaged")->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000}));
  sensitivity->add_option("--seed", sens_opts.seed, "Master seed (keys the design and the runs)")->capture_default_str();
  sensitivity->add_option("--threads", sens_opts.threads, "Threads (results never depend on it)")->capture_default_str()->check(CLI::Range(1, 1024));
  sensitivity->add_option("--out", sens_opts.out, "Output folder")->required();
  sensitivity->add_option("--set", sens_opts.sets, "Override a value: PATH=VALUE (repeatable)");
  sensitivity->add_flag("--resume", sens_opts.resume, "Continue an interrupted screening in OUT");
  sensitivity->add_flag("--force", sens_opts.force, "Write into a non-empty folder");
  sensitivity->add_flag("-q,--quiet", sens_opts.quiet, "Print nothing on success");

  std::string calib_scenario, calib_out, calib_params;
  azsim::AbcOptions abc;
  auto* calibrate = app.add_subcommand("calibrate", "Fit the parameters marked 'calibrate: true' to the scenario's targets (ABC-SMC)");
  calibrate->add_option("scenario", calib_scenario, "Scenario file")->required();
  calibrate->add_option("--out", calib_out, "Output folder")->required();
  calibrate->add_option("--particles", abc.particles, "Particles per generation")->capture_default_str()->check(CLI::Range(std::uint64_t{2}, std::uint64_t{1000000}));
  calibrate->add_option("--generations", abc.generations, "At most this many generations (0 = the prior sample)")->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000}));
  calibrate->add_option("--quantile", abc.quantile, "Next tolerance: this quantile of the last generation's distances")->capture_default_str()->check(CLI::Range(0.01, 0.99));
  calibrate->add_option("--min-tolerance", abc.min_tolerance, "Stop once the tolerance is at most this")->capture_default_str();
  calibrate->add_option("--budget", abc.budget, "Stop before passing this many runs in all (0: no limit)")->capture_default_str();
  calibrate->add_option("--replicates", abc.replicates, "Runs per proposal (its distance is their mean)")->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000}));
  calibrate->add_option("--max-proposals", abc.max_proposals, "Stop when a generation has made this many proposals (0: 100 x particles)")->capture_default_str();
  calibrate->add_option("--miss-cap", abc.miss_cap, "A target's miss counts at most this many tolerances")->capture_default_str()->check(CLI::PositiveNumber);
  calibrate->add_option("--batch", abc.batch, "Proposals per batch (0: the number of particles); fixes the result, not the speed")->capture_default_str();
  calibrate->add_option("--parameters", calib_params, "Comma-separated parameters to fit (default: those marked calibrate: true)");
  calibrate->add_option("--seed", abc.seed, "Master seed")->capture_default_str();
  calibrate->add_option("--threads", abc.threads, "Threads (results never depend on it)")->capture_default_str()->check(CLI::Range(1, 1024));
  calibrate->add_flag("--resume", abc.resume, "Continue after the last complete generation in OUT");
  calibrate->add_flag("--force", abc.force, "Write into a non-empty folder");
  calibrate->add_flag("-q,--quiet", abc.quiet, "Print nothing on success");

  RunOptions fid_opts;
  fid_opts.runs = 1000;
  auto* fidelity = app.add_subcommand("fidelity", "Predictive check against the targets: prior- and posterior-predictive ensembles side by side");
  fidelity->add_option("scenario", fid_opts.scenario, "Scenario file (a calibrated one takes its posterior)")->required();
  fidelity->add_option("--runs", fid_opts.runs, "Runs of each side")->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  fidelity->add_option("--seed", fid_opts.seed, "Master seed")->capture_default_str();
  fidelity->add_option("--threads", fid_opts.threads, "Threads (results never depend on it)")->capture_default_str()->check(CLI::Range(1, 1024));
  fidelity->add_option("--out", fid_opts.out, "Output folder")->required();
  fidelity->add_flag("--resume", fid_opts.resume, "Continue an interrupted check in OUT");
  fidelity->add_flag("--force", fid_opts.force, "Write into a non-empty folder");
  fidelity->add_flag("-q,--quiet", fid_opts.quiet, "Print nothing on success");

  std::string plot_dir, plot_only;
  auto* plot = app.add_subcommand("plot", "Make every figure an output folder's files allow (PNG and SVG, in DIR/figures)");
  plot->add_option("dir", plot_dir, "A folder written by run --runs, whatif or sensitivity")->required();
  plot->add_option("--only", plot_only, "Make only this figure");

  std::string manifest, rerun_out;
  bool rerun_force = false, rerun_quiet = false;
  int rerun_threads = 1;
  auto* rerun = app.add_subcommand("rerun", "Reproduce a run from its manifest.json");
  rerun->add_option("manifest", manifest, "DIR/manifest.json of the run")->required();
  rerun->add_option("--out", rerun_out, "Output folder (default: DIR/rerun)");
  rerun->add_option("--threads", rerun_threads, "Threads")->capture_default_str()->check(CLI::Range(1, 1024));
  rerun->add_flag("--force", rerun_force, "Write into a non-empty folder");
  rerun->add_flag("-q,--quiet", rerun_quiet, "Print nothing on success");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*validate) return cmd_validate(registry, files, sets, quiet);
    if (*params) return cmd_params(registry, model_name);
    if (*run) return cmd_run(registry, run_opts);
    if (*whatif) return cmd_whatif(registry, whatif_opts, whatif_cf);
    if (*eval) return cmd_eval(registry, eval_opts, design_file, replicates);
    if (*sensitivity) return cmd_sensitivity(registry, sens_opts, morris);
    if (*plot) return cmd_plot(argv[0], plot_dir, plot_only);
    if (*fidelity) return cmd_fidelity(registry, fid_opts);
    if (*calibrate) return cmd_calibrate(registry, calib_scenario, calib_out, calib_params, abc);
    if (*rerun) return cmd_rerun(registry, manifest, rerun_out, rerun_force, rerun_threads, rerun_quiet);
  } catch (const azsim::UsageError& e) {
    std::cerr << "azsim: " << e.what() << "\n";
    return 2;
  } catch (const azsim::ScenarioError& e) {
    std::cerr << e.what();
    return 1;
  } catch (const azsim::Error& e) {
    std::cerr << "azsim: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "azsim: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    // Never a crash: an error the code did not foresee still ends with a message and code 1.
    std::cerr << "azsim: unexpected error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
