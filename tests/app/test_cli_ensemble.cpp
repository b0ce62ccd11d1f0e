// The ensemble commands from the outside: exit codes, messages, interruption by a real
// signal and --resume, what-if's table, eval's design errors, and plot.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <thread>

#include "../support.hpp"

namespace fs = std::filesystem;
using azsim::test::files_of;
using azsim::test::run_azsim;
using azsim::test::spawn_azsim;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

// The minimal world with little churn of recruits, so that a run takes a fraction of a second.
const std::string kFast =
    "tests/data/good/minimal.yaml --set parameters.fighters.desertion_base.value=0.002 "
    "--set parameters.fighters.recruitment_rate.value=0.01";




}  // namespace

TEST_CASE("run --runs writes the ensemble and prints the hit rates", "[cli][ensemble]") {
  TempDir dir;
  const auto r = run_azsim("run " + kFast + " --runs 12 --threads 2 --trace 2 --out " + (dir / "e").string());
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("12 runs of seed 1") != std::string::npos);
  CHECK(r.output.find("T1 ") != std::string::npos);
  CHECK(r.output.find("100%  12/12 runs") != std::string::npos);  // progress: lines, not a redrawn bar, off a terminal
  for (const char* f : {"manifest.json", "run-info.json", "runs.csv", "targets.csv", "target-marks.csv", "control.csv",
                        "strength.csv", "casualties.csv", "nodes.csv", "edges.csv", "factions.csv", "runs/0/events.csv",
                        "runs/1/events.csv"})
    CHECK(fs::exists(dir / "e" / f));
  CHECK(!fs::exists(dir / "e" / "runs" / "2"));
  CHECK(!fs::exists(dir / "e" / ".azsim-state"));
  // A finished ensemble is not overwritten, and there is nothing to resume.
  const auto again = run_azsim("run " + kFast + " --runs 12 --out " + (dir / "e").string());
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("holds a finished batch") != std::string::npos);
  const auto resume = run_azsim("run " + kFast + " --runs 12 --resume --out " + (dir / "e").string());
  CHECK(resume.exit_code == 2);
  CHECK(resume.output.find("nothing to resume") != std::string::npos);
  CHECK(run_azsim("run " + kFast + " --runs 12 --force -q --out " + (dir / "e").string()).exit_code == 0);
  // rerun of an ensemble's manifest makes the ensemble again, identically.
  const auto rerun = run_azsim("rerun " + (dir / "e" / "manifest.json").string() + " -q --out " + (dir / "r").string());
  CHECK(rerun.exit_code == 0);
  CHECK(slurp(dir / "r" / "runs.csv") == slurp(dir / "e" / "runs.csv"));
  CHECK(slurp(dir / "r" / "control.csv") == slurp(dir / "e" / "control.csv"));
}

TEST_CASE("usage errors of the ensemble commands", "[cli][ensemble]") {
  TempDir dir;
  const auto trace = run_azsim("run " + kFast + " --trace 2 --out " + (dir / "x").string());
  CHECK(trace.exit_code == 2);
  CHECK(trace.output.find("--trace needs --runs") != std::string::npos);
  CHECK(run_azsim("run " + kFast + " --runs 0 --out " + (dir / "x").string()).exit_code == 2);
  const auto wrong_base = run_azsim("whatif tests/data/good/minimal.yaml scenarios/counterfactuals/no-intervention.yaml "
                                    "--runs 2 --out " + (dir / "w").string());
  CHECK(wrong_base.exit_code == 2);
  CHECK(wrong_base.output.find("does not derive from") != std::string::npos);
  const auto unknown = run_azsim("eval " + kFast + " --design " +
                                 dir.write("d.csv", "fighters.recruitment_rat\n0.5\n") + " --out " + (dir / "v").string());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("d.csv:1: column 1: 'fighters.recruitment_rat' is not a parameter") != std::string::npos);
  CHECK(unknown.output.find("fighters.recruitment_rate") != std::string::npos);  // the suggestion
  const auto outside = run_azsim("eval " + kFast + " --design " + dir.write("o.csv", "fighters.desertion_base\n1.5\n") +
                                 " --out " + (dir / "v").string());
  CHECK(outside.exit_code == 2);
  CHECK(outside.output.find("o.csv:2: column 1 (fighters.desertion_base): 1.5 is outside its prior's support [0, 1]") !=
        std::string::npos);
  const auto plot = run_azsim("plot " + (dir / "nothing-here").string());
  CHECK(plot.exit_code == 2);
}

TEST_CASE("Ctrl-C stops an ensemble with nothing lost, --resume finishes it to the same bytes", "[cli][ensemble][resume]") {
  TempDir dir;
  const auto args = azsim::test::split_words("run " + kFast + " --runs 80 --threads 2");
  // The whole ensemble in one go, for comparison.
  const auto whole = run_azsim("run " + kFast + " --runs 80 --threads 2 -q --out " + (dir / "whole").string());
  REQUIRE(whole.exit_code == 0);
  auto with_out = args;
  with_out.push_back("--out");
  with_out.push_back((dir / "part").string());
  const pid_t pid = spawn_azsim(with_out, dir / "log.txt");
  REQUIRE(pid > 0);
  // Interrupt once the first tenth is done (its progress line is in the log): some runs
  // finished, most not, however fast or slow this build is (sanitizers, a loaded machine).
  for (int waited = 0; waited < 1200 && slurp(dir / "log.txt").find("/80 runs") == std::string::npos; ++waited)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string log = slurp(dir / "log.txt");
  INFO(log);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  CHECK(log.find("interrupted with") != std::string::npos);
  CHECK(log.find("--resume") != std::string::npos);
  CHECK(fs::exists(dir / "part" / ".azsim-state"));
  CHECK(!fs::exists(dir / "part" / "manifest.json"));
  // No temporary file is left, and no final file is written from part of the runs.
  for (const auto& e : fs::directory_iterator(dir / "part")) CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
  CHECK(!fs::exists(dir / "part" / "runs.csv"));
  const auto resumed = run_azsim("run " + kFast + " --runs 80 --threads 2 --resume --out " + (dir / "part").string());
  REQUIRE(resumed.exit_code == 0);
  // "80 runs of seed 1 (N made now)": fewer than 80 made, the finished ones were not rerun.
  const auto at = resumed.output.find("made now");
  REQUIRE(at != std::string::npos);
  const auto open = resumed.output.rfind('(', at);
  const int made = std::stoi(resumed.output.substr(open + 1));
  CHECK(made > 0);
  CHECK(made < 80);
  CHECK(files_of(dir / "part") == files_of(dir / "whole"));
}

TEST_CASE("whatif prints a paired table, plot makes the figures", "[cli][ensemble][whatif]") {
  TempDir dir;
  const std::string cf = dir.write("cf.yaml", "schema_version: 1\nmodel: azawad\nbase: " +
                                                  azsim::test::source_path("tests/data/good/minimal.yaml") +
                                                  "\noverrides:\n  - path: factions[rebels].pay_cfa_per_day\n    value: 3000\n");
  const auto r = run_azsim("whatif tests/data/good/minimal.yaml " + cf + " --runs 10 --threads 2 --out " + (dir / "w").string());
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("outcome") != std::string::npos);
  CHECK(r.output.find("95% interval") != std::string::npos);
  CHECK(r.output.find("T1 hit rate") != std::string::npos);
  CHECK(fs::exists(dir / "w" / "whatif.csv"));
  const auto plot = run_azsim("plot " + (dir / "w").string());
  INFO(plot.output);
  CHECK(plot.exit_code == 0);
  CHECK(plot.output.find("forest.png") != std::string::npos);
  CHECK(fs::exists(dir / "w" / "figures" / "forest.svg"));
}
