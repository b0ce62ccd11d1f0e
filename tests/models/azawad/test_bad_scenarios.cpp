// The corpus of broken scenarios (tests/data/bad): each file holds one fault, and
// EXPECTED.tsv says which diagnostic it must produce, at which line and column, in which file.
// The loader must reject every file with a ScenarioError (never another exception, never a
// crash), in process and through `azsim validate`.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../../support.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "models/azawad/model.hpp"
#include "models/civil_violence/model.hpp"

namespace fs = std::filesystem;
using azsim::test::run_azsim;
using azsim::test::source_path;

using azsim::test::TempDir;

namespace {

const std::string kBadDir = "tests/data/bad";

/// One line of EXPECTED.tsv.
struct Expectation {
  std::string file;  ///< name inside tests/data/bad
  int line = 0;
  int column = 0;
  std::string message;  ///< the diagnostic after "file:line:col: "
  std::string named;    ///< the file the diagnostic names, relative to the source tree
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  return fields;
}

std::vector<Expectation> read_manifest() {
  std::ifstream in(source_path(kBadDir + "/EXPECTED.tsv"));
  REQUIRE(in);
  std::vector<Expectation> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto f = split_tabs(line);
    INFO("EXPECTED.tsv line: " << line);
    REQUIRE((f.size() == 3 || f.size() == 4));
    Expectation e;
    e.file = f[0];
    const auto colon = f[1].find(':');
    REQUIRE(colon != std::string::npos);
    e.line = std::stoi(f[1].substr(0, colon));
    e.column = std::stoi(f[1].substr(colon + 1));
    e.message = f[2];
    // The fourth column is relative to tests/data/bad, like a `base:` path.
    e.named = (fs::path(kBadDir) / (f.size() == 4 ? f[3] : f[0])).lexically_normal().string();
    out.push_back(std::move(e));
  }
  return out;
}

/// Read once: DYNAMIC_SECTION re-runs a test case once per file.
const std::vector<Expectation>& manifest() {
  static const std::vector<Expectation> m = read_manifest();
  return m;
}

/// Messages name files as the loader was given them; the test loads by absolute path while
/// the manifest is written for paths relative to the source tree, so drop the prefix.
std::string from_source_tree(std::string text) {
  const std::string prefix = std::string(AZSIM_SOURCE_DIR) + "/";
  for (auto p = text.find(prefix); p != std::string::npos; p = text.find(prefix, p))
    text.erase(p, prefix.size());
  return text;
}

const azsim::ModelRegistry& registry() {
  static const azsim::ModelRegistry r = [] {
    azsim::ModelRegistry reg;
    reg.add(azsim::azawad::make_model());
    reg.add(azsim::civil_violence::make_model());  // as azsim has them, so "unknown model" lists both
    return reg;
  }();
  return r;
}

/// The diagnostics of a file that must not load; nullopt when it loads. Any exception other
/// than ScenarioError escapes and fails the calling test.
std::optional<azsim::Diagnostics> errors_of(const std::string& path) {
  try {
    (void)azsim::load_scenario(registry(), path);
  } catch (const azsim::ScenarioError& e) {
    return e.diagnostics();
  }
  return std::nullopt;
}

std::string message_of(const azsim::Diagnostic& d) {
  return from_source_tree(d.path.empty() ? d.message : d.path + ": " + d.message);
}


}  // namespace

TEST_CASE("every broken scenario is rejected with its expected diagnostic", "[bad]") {
  for (const auto& e : manifest()) {
    DYNAMIC_SECTION(e.file) {
      std::optional<azsim::Diagnostics> errors;
      REQUIRE_NOTHROW(errors = errors_of(source_path(kBadDir + "/" + e.file)));
      REQUIRE(errors.has_value());
      REQUIRE_FALSE(errors->empty());
      INFO("got:\n" << from_source_tree(errors->to_string()));
      INFO("expected: " << e.named << ":" << e.line << ":" << e.column << ": " << e.message);
      bool found = false;
      for (const auto& d : errors->items()) {
        const std::string file = d.mark.file ? from_source_tree(*d.mark.file) : "";
        found = found || (file == e.named && d.mark.line == e.line && d.mark.column == e.column &&
                          message_of(d) == e.message);
      }
      CHECK(found);
    }
  }
}

TEST_CASE("the corpus and its manifest match", "[bad]") {
  std::set<std::string> listed;
  for (const auto& e : manifest()) {
    INFO(e.file);
    CHECK(listed.insert(e.file).second);  // one line per file
    CHECK(fs::is_regular_file(source_path(kBadDir + "/" + e.file)));
  }
  const std::regex name_rule(R"(\d\d-[a-z0-9-]+\.yaml)");
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(source_path(kBadDir))) {
    const std::string name = entry.path().filename().string();
    if (name == "EXPECTED.tsv") continue;
    ++files;
    INFO(name);
    CHECK(std::regex_match(name, name_rule));
    CHECK(listed.count(name) == 1);
    // Each file says what its fault is, unless a comment cannot be written (empty, binary).
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!text.empty() && text.find('\0') == std::string::npos) CHECK(text.rfind("# ", 0) == 0);
  }
  CHECK(files == manifest().size());
  CHECK(files >= 30);
}

TEST_CASE("azsim validate exits 1 on each broken scenario and prints its diagnostic",
          "[bad][cli]") {
  for (const auto& e : manifest()) {
    DYNAMIC_SECTION(e.file) {
      const auto r = run_azsim("validate '" + kBadDir + "/" + e.file + "'");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      const std::string line = e.named + ":" + std::to_string(e.line) + ":" +
                               std::to_string(e.column) + ": " + e.message + "\n";
      CHECK(r.output.find(line) != std::string::npos);
    }
  }
}

TEST_CASE("a file over 4 MiB is refused with its size", "[bad]") {
  const TempDir dir;
  const std::size_t size = (std::size_t{4} << 20) + 1;
  const std::string path = dir.write("big.yaml", "# padding\n" + std::string(size - 10, '#'));
  REQUIRE(fs::file_size(path) == size);
  std::optional<azsim::Diagnostics> errors;
  REQUIRE_NOTHROW(errors = errors_of(path));
  REQUIRE(errors.has_value());
  CHECK(errors->front().message ==
        "file is " + std::to_string(size) + " bytes; a scenario may be at most 4194304 bytes");
}

TEST_CASE("100,000 levels of nesting are refused without a crash", "[bad]") {
  const TempDir dir;
  const std::size_t depth = 100'000;
  const std::string path =
      dir.write("deep.yaml", "deep: " + std::string(depth, '[') + std::string(depth, ']') + "\n");
  std::optional<azsim::Diagnostics> errors;
  REQUIRE_NOTHROW(errors = errors_of(path));
  REQUIRE(errors.has_value());
  CHECK(errors->front().message.find("nested deeper than 64") != std::string::npos);
}

TEST_CASE("a scenario that does not exist is a usage error naming it", "[bad]") {
  const std::string missing = kBadDir + "/99-no-such-file.yaml";
  CHECK_THROWS_AS(azsim::load_scenario(registry(), source_path(missing)), azsim::UsageError);
  const auto r = run_azsim("validate " + missing);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("no such file: " + missing) != std::string::npos);
}

TEST_CASE("past 50 errors the rest are counted, not listed", "[bad]") {
  // 200 overrides whose paths name nothing: one error each.
  std::string text =
      "schema_version: 1\nmodel: azawad\nbase: " + source_path("tests/data/good/minimal.yaml") +
      "\noverrides:\n";
  for (int i = 0; i < 200; ++i)
    text += "  - {path: meta.nope" + std::to_string(i) + ", value: 1}\n";
  const TempDir dir;
  const std::string path = dir.write("many.yaml", text);

  std::optional<azsim::Diagnostics> errors;
  REQUIRE_NOTHROW(errors = errors_of(path));
  REQUIRE(errors.has_value());
  CHECK(errors->size() == 50);
  CHECK(errors->dropped() == 150);
  CHECK(errors->front().mark.line == 5);  // the first fault, not an arbitrary one

  const auto r = run_azsim("validate '" + path + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("... and 150 more errors not shown (the first 50 are listed)\n") !=
        std::string::npos);
  CHECK(r.output.find(path + ": invalid (200 errors)") != std::string::npos);
}
