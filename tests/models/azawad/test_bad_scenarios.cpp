// The corpus of broken scenarios (tests/data/bad): each file holds one fault, and
// EXPECTED.tsv says which diagnostic it must produce, at which line and column, in which file.
// The loader must reject every file with a ScenarioError (never another exception, never a
// crash), in process and through `azsim validate`.

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <chrono>
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

namespace {

/// Peak resident memory of this process so far, in MiB.
double peak_rss_mib() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

/// The diagnostics of a file that must not load, and how long loading took.
std::pair<azsim::Diagnostics, double> timed_errors(const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<azsim::Diagnostics> errors;
  REQUIRE_NOTHROW(errors = errors_of(path));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(errors.has_value());
  REQUIRE_FALSE(errors->empty());
  return {*errors, seconds};
}

/// A derived scenario of minimal.yaml whose overrides are `overrides` (YAML list items).
std::string derived(const TempDir& dir, const std::string& name, const std::string& overrides) {
  return dir.write(name, "schema_version: 1\nmodel: azawad\nbase: " + source_path("tests/data/good/minimal.yaml") +
                             "\noverrides:\n" + overrides);
}

}  // namespace

TEST_CASE("a 100 MB file is refused in bounded time and memory, and never read", "[bad]") {
  const TempDir dir;
  const std::string path = (dir / "huge.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    const std::string line = "- {id: n, name: padding padding padding padding padding padding}\n";
    for (std::size_t written = 0; written < (std::size_t{100} << 20); written += line.size()) out << line;
  }
  const double rss_before = peak_rss_mib();
  const auto [errors, seconds] = timed_errors(path);
  CHECK(errors.front().message.find("a scenario may be at most 4194304 bytes") != std::string::npos);
  CHECK(seconds < 1.0);
  CHECK(peak_rss_mib() - rss_before < 16);  // reading it would take 100 MiB
  const auto r = run_azsim("validate '" + path + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("a scenario may be at most 4194304 bytes") != std::string::npos);
}

TEST_CASE("absurd sizes: 10^7 nodes, 2,001 nodes, 65 groups", "[bad]") {
  const TempDir dir;
  {
    // Ten million nodes cannot fit in a scenario: the size limit stops them first.
    std::ofstream out(dir / "ten-million.yaml", std::ios::binary);
    out << "nodes: [";
    for (int i = 0; i < 10'000'000; ++i) out << "{},";
    out << "]\n";
  }
  CHECK(timed_errors((dir / "ten-million.yaml").string()).first.front().message.find("at most 4194304 bytes") !=
        std::string::npos);
  // 2,001 nodes fit in a file but not in the model (its route tables hold every pair).
  std::string nodes;
  for (int i = 0; i < 2001; ++i)
    nodes += "{id: n" + std::to_string(i) + ", name: N, kind: town, terrain: urban, lat: 15, lon: 0, population: {north: 1}, "
             "controller: none, assumption: synthetic}, ";
  const auto [many, seconds] = timed_errors(derived(dir, "many-nodes.yaml", "  - {path: nodes, value: [" + nodes + "]}\n"));
  CHECK(many.front().message == "has 2001 nodes; the model supports at most 2000 (its route tables hold every pair of nodes)");
  CHECK(seconds < 20);
  std::string groups;
  for (int i = 0; i < 65; ++i) groups += "{id: g" + std::to_string(i) + ", name: G}, ";
  const auto [g65, s65] = timed_errors(derived(dir, "groups.yaml", "  - {path: groups, value: [" + groups + "]}\n"));
  bool found = false;
  for (const auto& d : g65.items()) found = found || d.message == "has 65 groups; the model supports at most 64";
  CHECK(found);
}

TEST_CASE("files built to be slow to read are read in bounded time", "[bad]") {
  const TempDir dir;
  const auto check = [&](const std::string& name, const std::string& text, const std::string& message) {
    INFO(name);
    REQUIRE(text.size() < (std::size_t{4} << 20));
    const auto [errors, seconds] = timed_errors(dir.write(name, text));
    INFO(errors.to_string());
    CHECK(errors.front().message.find(message) != std::string::npos);
    CHECK(seconds < 20);  // about a second in a Release build (sanitizers: a few); minutes if quadratic
  };
  // 100,000 keys in one mapping (duplicate detection must not be quadratic).
  std::string keys = "schema_version: 1\nmodel: azawad\nmeta:\n";
  for (int i = 0; i < 100'000; ++i) keys += " k" + std::to_string(i) + ": 1\n";
  check("keys.yaml", keys, "missing required key");
  // 10,000 nodes, and 30,000 edges between unknown nodes (lookups, suggestions).
  std::string refs = "schema_version: 1\nmodel: azawad\nnodes: [";
  for (int i = 0; i < 10'000; ++i) refs += "{id: n" + std::to_string(i) + "},";
  refs += "]\nedges: [";
  for (int i = 0; i < 30'000; ++i) refs += "{from: x" + std::to_string(i) + ", to: n1},";
  check("refs.yaml", refs + "]\n", "missing required key");
  // A key a megabyte long, overriding a path a megabyte long (no quadratic suggestion).
  const std::string long_key(1'000'000, 'k');
  check("long.yaml", "schema_version: 1\nmodel: azawad\nbase: " + source_path("tests/data/good/minimal.yaml") +
                         "\noverrides:\n  - {path: meta." + long_key + ", value: 1}\n",
        "names nothing that exists");
}

TEST_CASE("CRLF line ends are read as LF ones, with the same positions, a byte order mark is accepted", "[bad]") {
  const TempDir dir;
  const std::string lf = azsim::test::slurp(source_path("tests/data/good/minimal.yaml"));
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const auto a = azsim::load_scenario(registry(), source_path("tests/data/good/minimal.yaml"));
  for (const std::string& text : {crlf, "\xEF\xBB\xBF" + lf}) {
    const auto b = azsim::load_scenario(registry(), dir.write("copy.yaml", text));
    const auto sa = a->summary(), sb = b->summary();
    REQUIRE(sa.size() == sb.size());
    for (std::size_t i = 0; i < sa.size(); ++i) CHECK(sa[i].value == sb[i].value);
    REQUIRE(a->parameters().items().size() == b->parameters().items().size());
    for (std::size_t i = 0; i < a->parameters().items().size(); ++i)
      CHECK(a->parameters().items()[i].value == b->parameters().items()[i].value);
    CHECK(b->name() == a->name());  // no '\r' left at the end of a value
  }
}
