#include <catch2/catch.hpp>

#include "core/scenario/reader.hpp"

using namespace azsim;
using schema::Bounds;
using schema::MapReader;
using schema::Reader;

namespace {
yaml::Node parse(const std::string& text) {
  auto r = yaml::parse_text(text, "r.yaml");
  REQUIRE_FALSE(r.fatal);
  return r.root;
}
}  // namespace

TEST_CASE("numbers: bounds, quoting, NaN, overflow", "[reader]") {
  Diagnostics d;
  Reader r(d);
  auto n = parse("a: -3\nb: \"3\"\nc: .nan\nd: 1e400\ne: 2.5\nf: abc\ng: +4\nh: .inf\n");
  CHECK_FALSE(r.number(*n.find("a"), "x.a", Bounds::at_least(0)));
  CHECK(d.items().back().to_string() == "r.yaml:1:4: x.a: must be >= 0 (got -3)");
  CHECK_FALSE(r.number(*n.find("b"), "x.b"));
  CHECK(d.items().back().message == "expected a number, got the string \"3\" (remove the quotes)");
  CHECK_FALSE(r.number(*n.find("c"), "x.c"));
  CHECK(d.items().back().message.find("NaN and infinity are not allowed") != std::string::npos);
  CHECK_FALSE(r.number(*n.find("d"), "x.d"));
  CHECK(d.items().back().message == "number out of range (got '1e400')");
  CHECK(*r.number(*n.find("e"), "x.e", Bounds::share().max ? Bounds::between(0, 3) : Bounds{}) == 2.5);
  CHECK_FALSE(r.number(*n.find("f"), "x.f"));
  CHECK(d.items().back().message == "expected a number, got 'abc'");
  CHECK(*r.number(*n.find("g"), "x.g") == 4.0);
  CHECK_FALSE(r.number(*n.find("h"), "x.h"));
  CHECK(d.size() == 6);
}

TEST_CASE("integers, ids, booleans, dates, choices", "[reader]") {
  Diagnostics d;
  Reader r(d);
  auto n = parse("i: 3.0\nj: 99999999999999999999\nk: 7\nid: 9lives\nb: yes\ndt: 2013-02-30\nc: towm\n");
  CHECK_FALSE(r.integer(*n.find("i"), "i", 0, 10));
  CHECK(d.items().back().message == "expected a whole number, got '3.0'");
  CHECK_FALSE(r.integer(*n.find("j"), "j", 0, 10));
  CHECK(*r.integer(*n.find("k"), "k", 0, 10) == 7);
  CHECK_FALSE(r.integer(*n.find("k"), "k", 0, 5));
  CHECK(d.items().back().message == "must be between 0 and 5 (got 7)");
  CHECK_FALSE(r.id(*n.find("id"), "id"));
  CHECK_FALSE(r.boolean(*n.find("b"), "b"));  // YAML 1.2: only true/false
  CHECK_FALSE(r.date(*n.find("dt"), "dt"));
  constexpr std::string_view kinds[] = {"town", "rural"};
  CHECK_FALSE(r.choice(*n.find("c"), "c", kinds));
  CHECK(d.items().back().message == "expected one of town, rural, got 'towm' (did you mean 'town'?)");
}

TEST_CASE("a map reader reports missing keys at the parent and unknown keys with a suggestion",
          "[reader]") {
  Diagnostics d;
  Reader r(d);
  auto n = parse("top:\n  morale: 0.5\n  treasurey: 3\n");
  MapReader m(r, *n.find("top"), "factions[2]");
  CHECK(*m.number("morale", Bounds::share()) == 0.5);
  CHECK_FALSE(m.number("treasury", Bounds::at_least(0)));
  m.finish();
  REQUIRE(d.size() == 2);
  CHECK(d.items()[0].to_string() ==
        "r.yaml:2:3: factions[2]: missing required key 'treasury' (a number)");
  CHECK(d.items()[1].to_string() ==
        "r.yaml:3:3: factions[2]: unknown key 'treasurey' (did you mean 'treasury'?)");
}

TEST_CASE("a list where a map is expected is one clear error", "[reader]") {
  Diagnostics d;
  Reader r(d);
  auto n = parse("x: [1, 2]\n");
  MapReader m(r, *n.find("x"), "x", "a faction");
  CHECK_FALSE(m.ok());
  CHECK_FALSE(m.number("a", {}));  // no cascade of missing-key errors
  m.finish();
  REQUIRE(d.size() == 1);
  CHECK(d.front().message == "expected a faction, got a list");
}

TEST_CASE("the diagnostics cap keeps a count of what it dropped", "[reader]") {
  Diagnostics d(3);
  for (int i = 0; i < 10; ++i) d.add(Mark{}, "p", "m" + std::to_string(i));
  CHECK(d.size() == 3);
  CHECK(d.dropped() == 7);
  CHECK(d.to_string().find("... and 7 more errors not shown") != std::string::npos);
}
