// Hostile command lines from the outside: --set with bad paths and values, eval designs with
// missing, extra or non-numeric columns, --resume pointed at a folder of something else, and
// output folders that hold what azsim did not write (which --force never overrides). Each
// must end with a clear message and exit code 1 or 2, never a crash, and touch nothing.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "../support.hpp"

namespace fs = std::filesystem;
using azsim::test::run_azsim;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

const std::string kMinimal = "tests/data/good/minimal.yaml";
// A run of the minimal world that takes a fraction of a second.
const std::string kFast = kMinimal + " --set parameters.fighters.desertion_base.value=0.002 "
                                     "--set parameters.fighters.recruitment_rate.value=0.01";

/// Runs azsim and checks its exit code and that its output holds `message`.
void expect(const std::string& args, int code, const std::string& message) {
  const auto r = run_azsim(args);
  INFO("azsim " << args << "\n" << r.output);
  CHECK(r.exit_code == code);
  CHECK(r.output.find(message) != std::string::npos);
}

}  // namespace

TEST_CASE("bad paths and values in --set: a clear error naming the --set", "[cli][hostile]") {
  const std::string v = "validate " + kMinimal + " ";
  expect(v + "--set nodes[zzz].lat=1", 1, "--set nodes[zzz].lat=1: nodes[zzz].lat: names nothing that exists");
  expect(v + "--set factions[rebels].pay_cfa_per_dya=1", 1, "(did you mean 'pay_cfa_per_day'?)");
  expect(v + "--set =5", 1, "expected PATH=VALUE");
  expect(v + "--set no-equals-sign", 1, "expected PATH=VALUE");
  expect(v + "--set 'parameters..combat=1'", 1, "malformed path 'parameters..combat': empty key");
  expect(v + "--set 'nodes[alpha.lat=1'", 1, "malformed path");
  expect(v + "--set 'meta.name.x=1'", 1, "meta.name is a single value, so it has no key 'x'");
  expect(v + "--set 'nodes[7].lat=1'", 1, "its elements have ids, so select them by id");
  expect(v + "--set 'meta.start=['", 1, "VALUE: malformed YAML");
  expect(v + "--set 'meta.name=&a x'", 1, "YAML anchors");
  expect(v + "--set 'meta.name=*a'", 1, "VALUE: malformed YAML: the referenced anchor is not defined");
  expect(v + "--set 'forces[0].fighters=1e12'", 1, "forces[0].fighters: expected a whole number");
  expect(v + "--set 'forces[0].fighters=1000000000000'", 1, "forces[0].fighters: must be between 0 and 10000000");
  expect(v + "--set 'factions[rebels].treasury_cfa=.nan'", 1, "NaN and infinity are not allowed");
  expect(v + "--set 'factions[rebels].treasury_cfa=1e999'", 1, "number out of range");
  expect(v + "--set 'meta.end=90000-01-01'", 1, "meta.end: expected a date");
  expect(v + "--set 'meta.end=9999-12-31'", 1, "the scenario may span at most 100 years");
  expect(v + "--set \"meta.name=$(printf 'caf\\351')\"", 1, "invalid UTF-8 (byte 0xE9)");
  expect(v + "--set 'parameters.combat=[1, 2]'", 1, "parameters.combat");
  // The run commands report the same, before any folder is made.
  TempDir dir;
  expect("run " + kMinimal + " --set nodes[zzz].lat=1 --out " + (dir / "r").string(), 1, "names nothing that exists");
  CHECK(!fs::exists(dir / "r"));
}

TEST_CASE("eval designs with missing, extra or non-numeric columns: an error with file, line and column",
          "[cli][hostile]") {
  TempDir dir;
  const std::string out = " --out " + (dir / "v").string();
  const auto design = [&](const std::string& name, const std::string& text) {
    return "eval " + kFast + " --design " + dir.write(name, text) + out;
  };
  expect(design("missing.csv", "combat.killed_share,fighters.desertion_base\n0.1,0.01\n0.2\n"), 2,
         "missing.csv:3: 1 values, expected 2 (one per column of the header)");
  expect(design("extra.csv", "combat.killed_share\n0.1,0.2\n"), 2, "extra.csv:2: 2 values, expected 1");
  expect(design("word.csv", "combat.killed_share\nlots\n"), 2,
         "word.csv:2: column 1 (combat.killed_share): 'lots' is not a finite number");
  expect(design("nan.csv", "combat.killed_share\nnan\n"), 2, "'nan' is not a finite number");
  expect(design("inf.csv", "combat.killed_share\ninf\n"), 2, "'inf' is not a finite number");
  expect(design("space.csv", "combat.killed_share\n 0.1\n"), 2, "' 0.1' is not a finite number");
  expect(design("empty-name.csv", "combat.killed_share,\n0.1,0.2\n"), 2, "column 2: '' is not a parameter");
  expect(design("twice.csv", "combat.killed_share,combat.killed_share\n0.1,0.2\n"), 2, "appears twice");
  expect(design("header-only.csv", "combat.killed_share\n"), 2, "no design points (a header but no rows)");
  expect(design("empty.csv", ""), 2, "empty: expected a header of parameter names");
  expect(design("quote.csv", "combat.killed_share\n\"0.1\n"), 2, "quote.csv");
  expect(design("binary.csv", std::string("combat.killed_share\n\0\x01\x02\n", 24)), 2,
         "binary.csv:2: column 1 (combat.killed_share): '\\x00\\x01\\x02' is not a finite number");
  expect("eval " + kFast + " --design " + dir.path().string() + out, 2, "no such design file");
  CHECK(!fs::exists(dir / "v"));
}

TEST_CASE("a --resume pointed at a folder of something else is refused, and the folder left alone", "[cli][hostile]") {
  TempDir dir;
  fs::create_directories(dir / "mine");
  const std::string notes = dir.write("mine/notes.txt", "my notes\n");
  const std::string out = " --out " + (dir / "mine").string();
  expect("run " + kFast + " --runs 4 --resume" + out, 2, "holds no interrupted batch to resume");
  expect("calibrate " + kMinimal + " --parameters combat.killed_share --particles 4 --generations 1 --resume" + out, 2,
         "holds no calibration to resume");
  // A resume state that is not one, and one written for another ensemble.
  (void)dir.write("mine/.azsim-state", "not a state at all");
  expect("run " + kFast + " --runs 4 --resume" + out, 1, "the file is damaged or from another azsim version");
  REQUIRE(run_azsim("run " + kFast + " --runs 6 --stop-after 2 -q --out " + (dir / "other").string()).exit_code == 130);
  expect("run " + kFast + " --runs 7 --resume --out " + (dir / "other").string(), 2,
         "was started with another scenario, seed, number of runs, design or azsim version");
  expect("run " + kFast + " --runs 6 --seed 2 --resume --out " + (dir / "other").string(), 2, "was started with another");
  // Nothing in the folders was changed or removed.
  CHECK(slurp(notes) == "my notes\n");
  CHECK(slurp(dir / "mine" / ".azsim-state") == "not a state at all");
  CHECK(fs::exists(dir / "other" / ".azsim-state"));
}

TEST_CASE("output folders: never into a folder of other files, even with --force, nothing of theirs deleted",
          "[cli][hostile][folders]") {
  TempDir dir;
  const auto out = [&](const std::string& name) { return " --out " + (dir / name).string(); };
  // A folder of someone else's files: refused without --force and with it, by every command.
  fs::create_directories(dir / "theirs");
  (void)dir.write("theirs/data.txt", "keep me\n");
  (void)dir.write("theirs/manifest.json", "{\"name\": \"not azsim's\"}\n");
  (void)dir.write("theirs/results.csv", "a,b\n1,2\n");
  expect("run " + kFast + out("theirs"), 2, "is not empty");
  for (const std::string& cmd :
       {"run " + kFast, "run " + kFast + " --runs 2", "eval " + kFast + " --design " + dir.write("d.csv", "combat.killed_share\n0.1\n"),
        "whatif " + kMinimal + " tests/data/good/derived.yaml --runs 2",
        "calibrate " + kMinimal + " --parameters combat.killed_share --particles 4 --generations 1",
        "fidelity " + kMinimal + " --runs 2"})
    expect(cmd + " --force" + out("theirs"), 2, "is not an azsim output folder");
  CHECK(slurp(dir / "theirs" / "data.txt") == "keep me\n");
  CHECK(slurp(dir / "theirs" / "manifest.json") == "{\"name\": \"not azsim's\"}\n");
  CHECK(slurp(dir / "theirs" / "results.csv") == "a,b\n1,2\n");
  // An azsim folder to which someone added a file: --force refuses it too, naming the file.
  REQUIRE(run_azsim("run " + kFast + " --runs 2 -q" + out("ours")).exit_code == 0);
  (void)dir.write("ours/my-analysis.R", "summary(x)\n");
  expect("run " + kFast + " --runs 2 --force" + out("ours"), 2, "holds 'my-analysis.R', which azsim did not write");
  CHECK(slurp(dir / "ours" / "my-analysis.R") == "summary(x)\n");
  CHECK(fs::exists(dir / "ours" / "manifest.json"));
  fs::remove(dir / "ours" / "my-analysis.R");
  // Its own folder (with the figures azsim plot adds) is overwritten with --force.
  fs::create_directories(dir / "ours" / "figures");
  (void)dir.write("ours/figures/control.png", "png");
  expect("run " + kFast + " --runs 3 --force" + out("ours"), 0, "3 runs of seed 1");
  CHECK(slurp(dir / "ours" / "figures" / "control.png") == "png");
  // A single run's folder and a file where the folder should be.
  REQUIRE(run_azsim("run " + kFast + " -q" + out("one")).exit_code == 0);
  expect("run " + kFast + " -q --force" + out("one"), 0, "");
  expect("run " + kFast + out("d.csv"), 2, "exists and is not a folder");
}

TEST_CASE("AZSIM_EXECUTOR picks the executor's backend: the same files with each, and a wrong name is a usage error",
          "[cli][exec]") {
  TempDir dir;
  std::map<std::string, std::string> reference;
  for (const char* backend : {"tbb", "threads", "serial"}) {
    ::setenv("AZSIM_EXECUTOR", backend, 1);
    const fs::path out = dir / backend;
    const auto r = run_azsim("run " + kFast + " --runs 4 --threads 2 -q --out " + out.string());
    INFO(backend << ": " << r.output);
    REQUIRE(r.exit_code == 0);
    if (reference.empty()) reference = azsim::test::files_of(out);
    CHECK(azsim::test::files_of(out) == reference);
  }
  ::setenv("AZSIM_EXECUTOR", "gpu", 1);
  expect("run " + kFast + " -q --out " + (dir / "gpu").string(), 2, "AZSIM_EXECUTOR must be tbb, threads or serial (got 'gpu')");
  ::unsetenv("AZSIM_EXECUTOR");
}
