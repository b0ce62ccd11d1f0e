// azsim under mpirun (built only with MPI; label `mpi`): with 2 and 3 processes, run
// (an ensemble), whatif and a small calibrate write the same bytes as one process; a job cut
// short (a rank dying, or stopped) resumes with another number of processes to those bytes.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "../../support.hpp"

namespace fs = std::filesystem;
using azsim::test::run_azsim;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

// Three months of the minimal world: a run takes a few milliseconds.
const std::string kShort = "tests/data/good/short.yaml";

/// `azsim ARGS` as K processes of an MPI job on this machine, more processes than cores
/// allowed (idle ranks yield), as root too (CI runs as root).
azsim::test::CommandResult run_mpi(int processes, const std::string& args, const std::string& env = "",
                                   const std::string& mpirun_options = "") {
  const std::string launcher = std::string("env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ") + env + " " +
                               AZSIM_MPIEXEC + " --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 " +
                               mpirun_options + " -n " +
                               std::to_string(processes) + " '" + AZSIM_BINARY + "' " + args;
  return azsim::test::run_in_source_tree(launcher);
}

/// Every file of a folder but run-info.json, by relative path.
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != "run-info.json") out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return out;
}

/// The names of the files that differ between two folders (or are in one only).
std::string differences(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::string out;
  for (const auto& [name, bytes] : a)
    if (!b.count(name) || b.at(name) != bytes) out += name + " ";
  for (const auto& [name, bytes] : b)
    if (!a.count(name)) out += name + " (only in the second) ";
  return out;
}

}  // namespace

TEST_CASE("mpirun -n 2 and -n 3: an ensemble and a what-if, byte for byte as one process", "[mpi]") {
  TempDir dir;
  const std::string ensemble = "run " + kShort + " --runs 24 --trace 2 --seed 3 --set parameters.combat.collateral.value=0.5 -q --out ";
  REQUIRE(run_azsim(ensemble + (dir / "one").string()).exit_code == 0);
  const std::string cf = dir.write("cf.yaml", "schema_version: 1\nmodel: azawad\nbase: " +
                                                  azsim::test::source_path(kShort) +
                                                  "\noverrides:\n  - path: factions[rebels].pay_cfa_per_day\n    value: 3000\n");
  const std::string whatif = "whatif " + kShort + " " + cf + " --runs 12 --seed 4 -q --out ";
  REQUIRE(run_azsim(whatif + (dir / "w1").string()).exit_code == 0);
  const auto one = files_of(dir / "one"), w1 = files_of(dir / "w1");
  REQUIRE(one.count("runs.csv"));
  REQUIRE(one.count("runs/1/events.csv"));
  REQUIRE(w1.count("whatif.csv"));
  for (int k : {2, 3}) {
    INFO(k << " processes");
    const std::string e = "e" + std::to_string(k), w = "w" + std::to_string(k);
    const auto r = run_mpi(k, ensemble + (dir / e).string());
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(differences(one, files_of(dir / e)) == "");
    CHECK(slurp(dir / e / "run-info.json").find("\"processes\": " + std::to_string(k)) != std::string::npos);
    const auto rw = run_mpi(k, whatif + (dir / w).string());
    INFO(rw.output);
    REQUIRE(rw.exit_code == 0);
    CHECK(differences(w1, files_of(dir / w)) == "");
  }
}

TEST_CASE("mpirun -n 2 and -n 3: a small calibration, byte for byte as one process", "[mpi]") {
  TempDir dir;
  const std::string calibrate = "calibrate " + kShort +
                                " --parameters fighters.defection_base,combat.attrition_rate --particles 8 "
                                "--generations 2 --batch 4 --seed 9 -q --out ";
  const auto single = run_azsim(calibrate + (dir / "one").string());
  INFO(single.output);
  REQUIRE(single.exit_code == 0);
  const auto one = files_of(dir / "one");
  REQUIRE(one.count("posterior.csv"));
  REQUIRE(one.count("population_1.csv"));
  REQUIRE(slurp(dir / "one" / "generations.csv").find("\n1,") != std::string::npos);  // two generations made
  for (int k : {2, 3}) {
    INFO(k << " processes");
    const std::string c = "c" + std::to_string(k);
    const auto r = run_mpi(k, calibrate + (dir / c).string());
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(differences(one, files_of(dir / c)) == "");
  }
}

TEST_CASE("a job whose rank dies, or that is stopped, resumes with another number of processes to the same bytes",
          "[mpi][resume]") {
  TempDir dir;
  const std::string ensemble = "run " + kShort + " --runs 30 --seed 5 -q --out ";
  REQUIRE(run_azsim(ensemble + (dir / "one").string()).exit_code == 0);
  const auto one = files_of(dir / "one");

  // The last of 3 ranks ends abruptly after 4 runs: Open MPI ends the job, sending the others
  // SIGTERM (here 2 s after the death) and SIGKILL 2 s later; rank 0 saves what had come in.
  const auto cut = run_mpi(3, ensemble + (dir / "cut").string(), "AZSIM_TEST_LAST_RANK_EXIT_AFTER=4",
                           "--mca odls_base_sigkill_timeout 2");
  INFO(cut.output);
  CHECK(cut.exit_code != 0);
  REQUIRE(fs::exists(dir / "cut" / ".azsim-state"));
  CHECK(!fs::exists(dir / "cut" / "manifest.json"));
  const auto resumed = run_mpi(2, "run " + kShort + " --runs 30 --seed 5 --resume --out " + (dir / "cut").string());
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK(differences(one, files_of(dir / "cut")) == "");

  // Stopped (as by a signal) after 5 runs with 2 processes; finished by one plain process.
  const auto stopped = run_mpi(2, "run " + kShort + " --runs 30 --seed 5 --stop-after 5 --out " + (dir / "stop").string());
  INFO(stopped.output);
  CHECK(stopped.exit_code == 130);
  CHECK(stopped.output.find("--resume (with any number of processes)") != std::string::npos);
  REQUIRE(fs::exists(dir / "stop" / ".azsim-state"));
  REQUIRE(run_azsim(ensemble + (dir / "stop").string() + " --resume").exit_code == 0);
  CHECK(differences(one, files_of(dir / "stop")) == "");
}
