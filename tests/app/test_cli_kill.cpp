// Nothing lost: an ensemble and a calibration killed with SIGKILL at random moments (the
// moments drawn from the project's keyed streams, so a failure is reproducible) and resumed
// with --resume always end with the files of an uninterrupted run, byte for byte (all but
// run-info.json). SIGKILL gives no chance to save: what survives is the last periodic state
// (every AZSIM_CHECKPOINT_SECONDS here, 5 s by default) and the files written atomically. And
// SIGTERM, like Ctrl-C, ends a run with its state saved and says how to resume.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <thread>

#include "../support.hpp"
#include "core/random/stream.hpp"

namespace fs = std::filesystem;
using azsim::test::files_of;
using azsim::test::run_azsim;
using azsim::test::spawn_azsim;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

using Clock = std::chrono::steady_clock;




/// The small world both tests use: the minimal scenario cut to four months, with little churn
/// of recruits (a run takes about a tenth of a second).
std::string small_scenario(const TempDir& dir) {
  return dir.write("small.yaml", "schema_version: 1\nmodel: azawad\nbase: " +
                                     azsim::test::source_path("tests/data/good/minimal.yaml") +
                                     "\noverrides:\n"
                                     "  - {path: meta.end, value: 2000-04-30}\n"
                                     "  - {path: \"shocks[landing]\", remove: true}\n"
                                     "  - {path: \"targets[T1].all[beta_falls].window\", value: [2000-02-01, 2000-04-01]}\n"
                                     "  - {path: parameters.fighters.desertion_base.value, value: 0.002}\n"
                                     "  - {path: parameters.fighters.recruitment_rate.value, value: 0.01}\n");
}

/// Kills `command` (writing into OUT) with SIGKILL at moments drawn in [0, 0.9 x the time an
/// uninterrupted run takes], resumes it to the end each time, and checks the files against
/// the uninterrupted run's. Returns how many trials were really killed.
int kill_and_resume(const TempDir& dir, const std::string& name, const std::string& command, int wanted_kills,
                    std::uint64_t purpose) {
  const auto start = Clock::now();
  const auto whole = run_azsim(command + " -q --out " + (dir / (name + "-whole")).string());
  REQUIRE(whole.exit_code == 0);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto reference = files_of(dir / (name + "-whole"));
  int kills = 0;
  for (std::uint64_t trial = 0; kills < wanted_kills && trial < 3 * static_cast<std::uint64_t>(wanted_kills); ++trial) {
    azsim::rng::Stream moment({2024, trial}, 0, 0, purpose);
    const double delay = 0.9 * seconds * moment.uniform();
    const fs::path out = dir / (name + "-" + std::to_string(trial));
    auto args = azsim::test::split_words(command + " -q --out " + out.string());
    const pid_t pid = spawn_azsim(args, dir / "log.txt");
    REQUIRE(pid > 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    INFO(name << " trial " << trial << ": killed after " << delay << " s of " << seconds << " s");
    if (WIFSIGNALED(status)) {
      const auto resumed = run_azsim(command + " -q --resume --out " + out.string());
      INFO(resumed.output);
      // The signal can land after the last file was committed and before the process exited:
      // then the folder holds the finished batch and --resume says so (exit 2); the files must
      // still be the uninterrupted run's, and the trial does not count as a kill.
      const bool finished = resumed.exit_code == 2 && resumed.output.find("holds a finished batch") != std::string::npos;
      if (!finished) {
        ++kills;
        REQUIRE(resumed.exit_code == 0);
      }
    } else {
      REQUIRE(WEXITSTATUS(status) == 0);  // it had finished before the signal came
    }
    CHECK(files_of(out) == reference);
    fs::remove_all(out);
  }
  return kills;
}

}  // namespace

TEST_CASE("SIGKILL at random moments: a resumed ensemble and calibration end with the uninterrupted files",
          "[cli][resume][kill]") {
  TempDir dir;
  ::setenv("AZSIM_CHECKPOINT_SECONDS", "0.05", 1);  // many saves, so kills fall between them
  const std::string scenario = small_scenario(dir);
  const int ensemble_kills = kill_and_resume(dir, "ensemble", "run " + scenario + " --runs 16 --threads 2", 12, 1);
  const int calibration_kills =
      kill_and_resume(dir, "calibration",
                      "calibrate " + scenario + " --parameters combat.killed_share,fighters.desertion_base "
                      "--particles 12 --batch 3 --generations 3 --threads 2", 10, 2);
  ::unsetenv("AZSIM_CHECKPOINT_SECONDS");
  CHECK(ensemble_kills == 12);
  CHECK(calibration_kills == 10);
}

TEST_CASE("SIGTERM ends an ensemble and a calibration with their state saved and says how to resume",
          "[cli][resume]") {
  TempDir dir;
  const std::string scenario = small_scenario(dir);
  for (const std::string& command :
       {"run " + scenario + " --runs 60 --threads 2",
        "calibrate " + scenario + " --parameters combat.killed_share --particles 40 --batch 2 --generations 2 --threads 2"}) {
    const fs::path out = dir / "out";
    const pid_t pid = spawn_azsim(azsim::test::split_words(command + " --out " + out.string()), dir / "log.txt");
    REQUIRE(pid > 0);
    // Once it is under way (its resume state or manifest is there), ask it to stop.
    for (int waited = 0; waited < 600 && !fs::exists(out / ".azsim-state") && !fs::exists(out / "priors.csv"); ++waited)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string log = slurp(dir / "log.txt");
    INFO(command << "\n" << log);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    CHECK(log.find("interrupted") != std::string::npos);
    CHECK(log.find("the same command with --resume to continue into " + out.string()) != std::string::npos);
    const auto resumed = run_azsim(command + " -q --resume --out " + out.string());
    INFO(resumed.output);
    CHECK(resumed.exit_code == 0);
    fs::remove_all(out);
  }
}
