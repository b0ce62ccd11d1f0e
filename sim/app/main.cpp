// azsim: the command-line front end. Binds the models to the core and dispatches commands.
// Exit codes: 0 success, 1 invalid scenario (or a failed run), 2 usage error.

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/exec/executor.hpp"
#include "core/model.hpp"
#include "core/run/manifest.hpp"
#include "core/sha256.hpp"
#include "core/io/atomic_file.hpp"
#include "core/version.hpp"
#include "models/azawad/model.hpp"

namespace {

azsim::ModelRegistry make_registry() {
  azsim::ModelRegistry registry;
  registry.add(azsim::azawad::make_model());
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
  int threads = 1;
  std::string out;
  bool force = false;
  bool quiet = false;
};

int cmd_run(const azsim::ModelRegistry& registry, const RunOptions& o, const char* command = "run") {
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
  const azsim::RunSummary summary = scenario->run(request);
  azsim::write_manifest(o.out, *scenario, {command, o.seed, o.run, 1});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  azsim::write_run_info(o.out, wall, executor.threads());
  if (!o.quiet) {
    int hits = 0;
    for (const auto& t : summary.targets) hits += t.hit ? 1 : 0;
    std::cout << scenario->name() << ": seed " << o.seed << ", run " << o.run << " in " << wall << " s; "
              << hits << " of " << summary.targets.size() << " targets hit\n";
    for (const auto& t : summary.targets)
      std::cout << "  " << (t.hit ? "hit " : "miss") << "  " << t.id << "  (miss " << t.miss << ")  "
                << t.description << "\n";
    std::cout << "outputs in " << o.out << "\n";
  }
  return 0;
}

int cmd_rerun(const azsim::ModelRegistry& registry, const std::string& manifest, std::string out, bool force,
              int threads, bool quiet) {
  const azsim::ManifestReplay m = azsim::read_manifest(manifest);
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
  const auto registry = make_registry();
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
  run->add_flag("--force", run_opts.force, "Write into a non-empty folder");
  run->add_flag("-q,--quiet", run_opts.quiet, "Print nothing on success");

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
  }
  return 0;
}
