#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "../support.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/json.hpp"

namespace fs = std::filesystem;
using azsim::IoError;
using namespace azsim::io;

using azsim::test::TempDir;

namespace {

// A fresh folder per test: ctest may run test cases in parallel processes.

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The temp file's name starts with "NAME.tmp.<pid>." (a per-process counter follows).
std::string temp_prefix_for(const fs::path& p) {
  return p.filename().string() + ".tmp." + std::to_string(::getpid()) + ".";
}

// The IoError message of running f, or "" when it did not throw IoError.
template <typename F>
std::string io_error_of(F&& f) {
  try {
    f();
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// AtomicFile

TEST_CASE("write_file_atomic creates the file with exactly the given bytes", "[io][atomic]") {
  TempDir dir;
  const auto target = dir.path() / "out.bin";
  const std::string content("line 1\r\nline 2\n\0binary\xff", 23);
  write_file_atomic(target, content);
  CHECK(slurp(target) == content);
  CHECK(read_file(target) == content);
  CHECK(dir.entries() == std::vector<std::string>{"out.bin"});  // no temp left behind

  write_file_atomic(target, "");
  CHECK(fs::file_size(target) == 0);
  CHECK(read_file(target).empty());
}

TEST_CASE("AtomicFile destroyed without commit leaves neither target nor temp", "[io][atomic]") {
  TempDir dir;
  const auto target = dir.path() / "result.csv";
  {
    AtomicFile file(target);
    CHECK(file.path() == target);
    file.stream() << "half a table";
    file.stream().flush();
    // The temp really is "NAME.tmp.<pid>.<n>" next to the target.
    const auto entries = dir.entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].rfind(temp_prefix_for(target), 0) == 0);
    CHECK(slurp(dir.path() / entries[0]) == "half a table");
  }
  CHECK_FALSE(fs::exists(target));
  CHECK(dir.entries().empty());
}

TEST_CASE("AtomicFile keeps the old content until commit, then replaces it", "[io][atomic]") {
  TempDir dir;
  const auto target = dir.path() / "manifest.json";
  write_file_atomic(target, "old content that is longer than the new one\n");
  {
    AtomicFile file(target);
    file.stream() << "new\n";
    file.stream().flush();
    // The crash-safety property: a reader (or a crash) before commit sees only the old file.
    CHECK(slurp(target) == "old content that is longer than the new one\n");
    file.commit();
    CHECK(slurp(target) == "new\n");
  }
  CHECK(slurp(target) == "new\n");  // the destructor of a committed file touches nothing
  CHECK(dir.entries() == std::vector<std::string>{"manifest.json"});

  // Abandoning a rewrite keeps the old file intact.
  {
    AtomicFile file(target);
    file.stream() << "never committed";
  }
  CHECK(slurp(target) == "new\n");
  CHECK(dir.entries() == std::vector<std::string>{"manifest.json"});
}

TEST_CASE("AtomicFile into a missing folder throws IoError naming it", "[io][atomic]") {
  TempDir dir;
  const auto target = dir.path() / "no-such-folder" / "out.csv";
  const std::string message = io_error_of([&] { AtomicFile file(target); });
  CHECK_THAT(message, Catch::Contains("no-such-folder"));
  CHECK_THAT(message, Catch::Contains("No such file or directory"));
  CHECK_THAT(io_error_of([&] { write_file_atomic(target, "x"); }), Catch::Contains("no-such-folder"));
  CHECK_FALSE(fs::exists(dir.path() / "no-such-folder"));
}

TEST_CASE("AtomicFile commit reports a failed stream and leaves the target alone", "[io][atomic]") {
  TempDir dir;
  const auto target = dir.path() / "out.txt";
  write_file_atomic(target, "old");
  {
    AtomicFile file(target);
    file.stream() << "new";
    file.stream().setstate(std::ios::badbit);  // as after a failed write (disk full)
    CHECK_THAT(io_error_of([&] { file.commit(); }), Catch::Contains("out.txt"));
  }
  CHECK(slurp(target) == "old");
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
}

TEST_CASE("AtomicFile commit over a folder fails cleanly", "[io][atomic]") {
  TempDir dir;
  const auto target = dir.path() / "taken";
  fs::create_directories(target / "inside");  // a non-empty folder cannot be replaced
  {
    AtomicFile file(target);
    file.stream() << "x";
    CHECK_THAT(io_error_of([&] { file.commit(); }), Catch::Contains("taken"));
  }
  CHECK(fs::is_directory(target));
  CHECK(dir.entries() == std::vector<std::string>{"taken"});
}

TEST_CASE("AtomicFile commit twice is a logic error", "[io][atomic]") {
  TempDir dir;
  AtomicFile file(dir.path() / "once.txt");
  file.stream() << "x";
  file.commit();
  CHECK_THROWS_AS(file.commit(), std::logic_error);
  CHECK(slurp(dir.path() / "once.txt") == "x");
}

TEST_CASE("read_file errors name the path and the reason", "[io][atomic]") {
  TempDir dir;
  const std::string missing = io_error_of([&] { (void)read_file(dir.path() / "absent.txt"); });
  CHECK_THAT(missing, Catch::Contains("absent.txt"));
  CHECK_THAT(missing, Catch::Contains("No such file or directory"));
  const std::string folder = io_error_of([&] { (void)read_file(dir.path()); });
  CHECK_THAT(folder, Catch::Contains(dir.path().filename().string()));
  CHECK_THAT(folder, Catch::Contains("Is a directory"));
}

// ---------------------------------------------------------------------------------------------
// format_double

TEST_CASE("format_double gives the shortest text for known values", "[io][format]") {
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(1e-07) == "1e-07");
  CHECK(format_double(3) == "3");
  CHECK(format_double(-3) == "-3");
  CHECK(format_double(0.0) == "0");
  CHECK(format_double(-0.0) == "0");
  CHECK(format_double(1e300) == "1e+300");
  CHECK(format_double(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_double(123456.75) == "123456.75");
  CHECK(format_double(std::numeric_limits<double>::denorm_min()) == "5e-324");
  CHECK(format_double(std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(format_double(-std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(format_double(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(format_double(-std::numeric_limits<double>::infinity()) == "-inf");
}

TEST_CASE("format_double round-trips 10,000 pseudo-random doubles exactly", "[io][format]") {
  std::mt19937_64 rng(20120117);  // fixed seed: the test is the same every run
  std::uniform_real_distribution<double> unit(-1e6, 1e6);
  int checked = 0;
  for (int i = 0; i < 10000; ++i) {
    // Half arbitrary bit patterns (every exponent), half ordinary magnitudes.
    const double value = i % 2 == 0 ? std::bit_cast<double>(rng()) : unit(rng);
    if (!std::isfinite(value)) continue;
    const std::string text = format_double(value);
    double back = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), back);
    REQUIRE(ec == std::errc());
    REQUIRE(end == text.data() + text.size());
    if (value == 0) {
      CHECK(text == "0");
    } else if (std::bit_cast<std::uint64_t>(back) != std::bit_cast<std::uint64_t>(value)) {
      FAIL("format_double(" << value << ") = " << text << " does not read back exactly");
    }
    ++checked;
  }
  CHECK(checked > 9900);
}

// ---------------------------------------------------------------------------------------------
// CSV

TEST_CASE("CsvWriter quotes exactly the fields that need it", "[io][csv]") {
  std::ostringstream out;
  CsvWriter csv(out, {"name", "note, with comma", "n"});
  csv.field("plain").field("a,b").field(std::int64_t{-5});
  csv.end_row();
  csv << std::string("say \"hi\"") << "two\nlines" << std::uint64_t{18446744073709551615ULL};
  csv.end_row();
  csv.field("cr\rhere").field("").field(true);
  csv.end_row();
  csv.field(" spaces ").field(0.1).field(false);
  csv.end_row();
  csv.field(std::int32_t{7}).field(-0.0).field(1e-07);
  csv.end_row();
  CHECK(csv.rows() == 5);
  CHECK(out.str() ==
        "name,\"note, with comma\",n\n"
        "plain,\"a,b\",-5\n"
        "\"say \"\"hi\"\"\",\"two\nlines\",18446744073709551615\n"
        "\"cr\rhere\",,true\n"
        " spaces ,0.1,false\n"
        "7,0,1e-07\n");
}

TEST_CASE("CsvWriter rejects rows with the wrong number of fields", "[io][csv]") {
  std::ostringstream out;
  CsvWriter csv(out, {"a", "b"});
  csv.field("1");
  CHECK_THROWS_AS(csv.end_row(), std::logic_error);
  csv.field("1").field("2").field("3");
  CHECK_THROWS_AS(csv.end_row(), std::logic_error);
  csv.field("1").field("2");
  CHECK_NOTHROW(csv.end_row());
  CHECK(csv.rows() == 1);
  CHECK(out.str() == "a,b\n11,2,31,2\n");  // the bad rows' fields stay in the stream, as written
  CHECK_THROWS_AS(CsvWriter(out, {}), std::logic_error);
}

TEST_CASE("CsvWriter hands the stream whole rows, and an unfinished one when it is destroyed", "[io][csv]") {
  std::ostringstream out;
  {
    CsvWriter csv(out, {"a", "b"});
    CHECK(out.str() == "a,b\n");
    csv.field("x").field(2.5);
    CHECK(out.str() == "a,b\n");  // not yet: the row is gathered first
    csv.end_row();
    CHECK(out.str() == "a,b\nx,2.5\n");
    csv.field("y");
  }
  CHECK(out.str() == "a,b\nx,2.5\ny");
}

TEST_CASE("CSV write then read gives back the same fields", "[io][csv]") {
  const std::vector<std::vector<std::string>> table = {
      {"id", "text", "empty"},
      {"1", "a,b", ""},
      {"2", "quote \" inside", ""},
      {"3", "multi\nline\r\nfield", "x"},
      {"4", "\"", ","},
      {"5", "caf\xc3\xa9", " "},
  };
  std::ostringstream out;
  CsvWriter csv(out, table[0]);
  for (std::size_t r = 1; r < table.size(); ++r) {
    for (const auto& f : table[r]) csv.field(f);
    csv.end_row();
  }
  CHECK(read_csv(out.str()) == table);

  // A one-column file with an empty value must not lose the row.
  std::ostringstream one;
  CsvWriter single(one, {"only"});
  single.field("").end_row();
  single.field("v").end_row();
  CHECK(one.str() == "only\n\"\"\nv\n");
  CHECK(read_csv(one.str()) == std::vector<std::vector<std::string>>{{"only"}, {""}, {"v"}});
}

TEST_CASE("read_csv accepts CRLF, a missing final newline and empty fields", "[io][csv]") {
  using Rows = std::vector<std::vector<std::string>>;
  CHECK(read_csv("a,b\r\n1,2\r\n") == Rows{{"a", "b"}, {"1", "2"}});
  CHECK(read_csv("a,b\n1,2") == Rows{{"a", "b"}, {"1", "2"}});
  CHECK(read_csv("a,b\n,\n") == Rows{{"a", "b"}, {"", ""}});
  CHECK(read_csv("a,\n") == Rows{{"a", ""}});
  CHECK(read_csv("a,") == Rows{{"a", ""}});
  CHECK(read_csv("\"x\r\ny\",\"\"\r\n") == Rows{{"x\r\ny", ""}});
  CHECK(read_csv("\xEF\xBB\xBFh\n1\n") == Rows{{"h"}, {"1"}});
  CHECK(read_csv("").empty());
}

TEST_CASE("read_csv reports malformed quoting with file and line", "[io][csv]") {
  CHECK_THAT(io_error_of([] { (void)read_csv("a,b\n1,\"open\n2,3\n", "data.csv"); }),
             Catch::Contains("data.csv:2:") && Catch::Contains("unterminated"));
  CHECK_THAT(io_error_of([] { (void)read_csv("a\n\"q\"x\n", "f.csv"); }),
             Catch::Contains("f.csv:2:"));
  CHECK_THAT(io_error_of([] { (void)read_csv("a\nb\nc\"d\n", "g.csv"); }),
             Catch::Contains("g.csv:3:"));
  CHECK_THAT(io_error_of([] { (void)read_csv("a\rb\n"); }), Catch::Contains("<csv>:1:"));
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

JsonWriter sample_document() {
  JsonWriter w;
  w.begin_object();
  w.key("name").value("azawad \"2012\"\n\tfirst\\last");
  w.key("seed").value(std::uint64_t{18446744073709551615ULL});
  w.key("offset").value(std::int64_t{-42});
  w.key("days").value(365);
  w.key("rate").value(0.1);
  w.key("tiny").value(1e-07);
  w.key("ok").value(true);
  w.key("missing").null();
  w.key("control").value(std::string("\x01\x1f", 2));
  w.key("utf8").value("Tombouctou \xe2\xb5\x9c");
  w.key("empty_object").begin_object().end_object();
  w.key("empty_array").begin_array().end_array();
  w.key("factions").begin_array();
  w.begin_object().key("id").value("mnla").key("strength").value(3000).end_object();
  w.begin_array().value(1).value(2.5).begin_array().end_array().end_array();
  w.end_array();
  w.end_object();
  return w;
}

}  // namespace

TEST_CASE("JsonWriter golden output for a nested document", "[io][json]") {
  CHECK(sample_document().str() ==
        R"({
  "name": "azawad \"2012\"\n\tfirst\\last",
  "seed": 18446744073709551615,
  "offset": -42,
  "days": 365,
  "rate": 0.1,
  "tiny": 1e-07,
  "ok": true,
  "missing": null,
  "control": "\u0001\u001f",
  "utf8": "Tombouctou )" "\xe2\xb5\x9c" R"(",
  "empty_object": {},
  "empty_array": [],
  "factions": [
    {
      "id": "mnla",
      "strength": 3000
    },
    [
      1,
      2.5,
      []
    ]
  ]
}
)");
  JsonWriter scalar;
  scalar.value("just a string");
  CHECK(scalar.str() == "\"just a string\"\n");
}

TEST_CASE("JsonWriter rejects misuse", "[io][json]") {
  JsonWriter open;
  open.begin_object().key("a").begin_array();
  CHECK_THROWS_AS(open.str(), std::logic_error);
  JsonWriter no_key;
  no_key.begin_object();
  CHECK_THROWS_AS(no_key.value(1), std::logic_error);
  JsonWriter key_in_array;
  key_in_array.begin_array();
  CHECK_THROWS_AS(key_in_array.key("a"), std::logic_error);
  CHECK_THROWS_AS(key_in_array.end_object(), std::logic_error);
  JsonWriter two;
  two.value(1);
  CHECK_THROWS_AS(two.value(2), std::logic_error);
}

TEST_CASE("parse_json reads back what JsonWriter wrote", "[io][json]") {
  const JsonValue doc = parse_json(sample_document().str());
  REQUIRE(doc.kind == JsonValue::Kind::object);
  REQUIRE(doc.members.size() == 13);
  CHECK(doc.members[0].first == "name");
  CHECK(doc.find("name")->text == "azawad \"2012\"\n\tfirst\\last");
  CHECK(doc.find("seed")->kind == JsonValue::Kind::number);
  CHECK(doc.find("seed")->text == "18446744073709551615");  // exact text for 64-bit integers
  CHECK(doc.find("offset")->number == -42);
  CHECK(doc.find("days")->number == 365);
  CHECK(doc.find("rate")->number == 0.1);
  CHECK(doc.find("tiny")->number == 1e-07);
  CHECK(doc.find("ok")->kind == JsonValue::Kind::boolean);
  CHECK(doc.find("ok")->boolean);
  CHECK(doc.find("missing")->kind == JsonValue::Kind::null);
  CHECK(doc.find("control")->text == std::string("\x01\x1f", 2));
  CHECK(doc.find("utf8")->text == "Tombouctou \xe2\xb5\x9c");
  CHECK(doc.find("empty_object")->kind == JsonValue::Kind::object);
  CHECK(doc.find("empty_object")->members.empty());
  CHECK(doc.find("empty_array")->kind == JsonValue::Kind::array);
  CHECK(doc.find("empty_array")->items.empty());
  CHECK(doc.find("absent") == nullptr);
  const JsonValue& factions = *doc.find("factions");
  REQUIRE(factions.items.size() == 2);
  CHECK(factions.items[0].find("id")->text == "mnla");
  CHECK(factions.items[0].find("strength")->number == 3000);
  REQUIRE(factions.items[1].items.size() == 3);
  CHECK(factions.items[1].items[1].number == 2.5);
  CHECK(factions.items[1].items[2].kind == JsonValue::Kind::array);
}

TEST_CASE("parse_json decodes escapes and numbers", "[io][json]") {
  const JsonValue v = parse_json(
      R"( ["\u00e9\u2D5C\ud83d\ude00", "\/\b\f\"", -0.5e2, 0, 1E+2, 1e-400, 5e-324, true, false, null] )");
  REQUIRE(v.items.size() == 10);
  CHECK(v.items[0].text == "\xc3\xa9\xe2\xb5\x9c\xf0\x9f\x98\x80");
  CHECK(v.items[1].text == "/\b\f\"");
  CHECK(v.items[2].number == -50);
  CHECK(v.items[2].text == "-0.5e2");
  CHECK(v.items[3].number == 0);
  CHECK(v.items[4].number == 100);
  CHECK(v.items[5].number == 0);  // underflow reads as zero
  CHECK(v.items[6].number == std::numeric_limits<double>::denorm_min());
  CHECK(v.items[7].boolean);
  CHECK(v.items[8].kind == JsonValue::Kind::boolean);
  CHECK_FALSE(v.items[8].boolean);
  CHECK(v.items[9].kind == JsonValue::Kind::null);
  CHECK(parse_json("\"\\u0000\"").text == std::string(1, '\0'));
}

TEST_CASE("parse_json errors carry line:column and never crash", "[io][json]") {
  const auto error = [](const std::string& text) {
    return io_error_of([&] { (void)parse_json(text, "m.json"); });
  };
  CHECK_THAT(error("{\n  \"a\": \"open\n}"), Catch::Contains("m.json:2:") && Catch::Contains("unterminated"));
  CHECK_THAT(error("\"abc"), Catch::StartsWith("m.json:1:1: unterminated string"));
  CHECK_THAT(error("[\"a\\qb\"]"), Catch::StartsWith("m.json:1:4: bad escape \\q"));
  CHECK_THAT(error("[1, 2,]"), Catch::StartsWith("m.json:1:7: "));
  CHECK_THAT(error("{\"a\": 1,\n }"), Catch::StartsWith("m.json:2:2: "));
  CHECK_THAT(error("{} x"), Catch::StartsWith("m.json:1:4: unexpected 'x'"));
  CHECK_THAT(error("[1] [2]"), Catch::StartsWith("m.json:1:5: "));
  CHECK_THAT(error(""), Catch::StartsWith("m.json:1:1: unexpected end of input"));
  CHECK_THAT(error("[1, 2"), Catch::StartsWith("m.json:1:6: "));
  CHECK_THAT(error("{\"a\" 1}"), Catch::StartsWith("m.json:1:6: "));
  CHECK_THAT(error("{\"a\": 1, \"a\": 2}"), Catch::Contains("duplicate key"));
  CHECK_THAT(error("[01]"), Catch::StartsWith("m.json:1:"));
  CHECK_THAT(error("[1.]"), Catch::StartsWith("m.json:1:"));
  CHECK_THAT(error("[-]"), Catch::StartsWith("m.json:1:"));
  CHECK_THAT(error("[1e999]"), Catch::Contains("too large"));
  CHECK_THAT(error("[tru]"), Catch::StartsWith("m.json:1:2: "));
  CHECK_THAT(error("[NaN]"), Catch::StartsWith("m.json:1:2: "));
  CHECK_THAT(error("\"\\ud800\""), Catch::Contains("surrogate"));
  CHECK_THAT(error("\"\\udc00\""), Catch::Contains("surrogate"));
  CHECK_THAT(error("\"\\u12G4\""), Catch::Contains("hex"));
  CHECK_THAT(error("\"tab\there\""), Catch::Contains("control character"));
  // Columns count characters, so a UTF-8 letter before the error counts once.
  CHECK_THAT(error("[\"\xc3\xa9\", x]"), Catch::StartsWith("m.json:1:7: "));
}

TEST_CASE("parse_json limits nesting depth", "[io][json]") {
  const auto nested = [](std::size_t depth, char open, char close) {
    return std::string(depth, open) + std::string(depth, close);
  };
  CHECK_NOTHROW(parse_json(nested(256, '[', ']')));
  CHECK_THAT(io_error_of([&] { (void)parse_json(nested(257, '[', ']'), "d.json"); }),
             Catch::StartsWith("d.json:1:257: ") && Catch::Contains("256"));
  CHECK_THAT(io_error_of([&] { (void)parse_json(nested(10000, '[', ']'), "d.json"); }),
             Catch::StartsWith("d.json:1:257: "));
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"k\":";
  CHECK_THAT(io_error_of([&] { (void)parse_json(objects, "o.json"); }),
             Catch::StartsWith("o.json:1:") && Catch::Contains("nested"));
}
