#include <catch2/catch.hpp>

#include <string>

#include "core/yaml/tree.hpp"

using azsim::yaml::Kind;
using azsim::yaml::parse_text;

TEST_CASE("the tree keeps 1-based positions of nodes and keys", "[yaml]") {
  auto r = parse_text("a: 1\nb:\n  - x\n  - {c: \"3\"}\n", "f.yaml");
  REQUIRE_FALSE(r.fatal);
  REQUIRE(r.diagnostics.empty());
  const auto& root = r.root;
  REQUIRE(root.is_map());
  REQUIRE(root.keys.size() == 2);
  CHECK(root.keys[1].mark.line == 2);
  CHECK(root.keys[1].mark.column == 1);
  const auto* b = root.find("b");
  REQUIRE(b);
  REQUIRE(b->is_sequence());
  CHECK(b->items[0].mark.line == 3);
  CHECK(b->items[0].mark.column == 5);
  const auto* c = b->items[1].find("c");
  REQUIRE(c);
  CHECK(c->quoted);
  CHECK(c->scalar == "3");
  CHECK_FALSE(root.find("a")->quoted);
  CHECK(*root.find("a")->mark.file == "f.yaml");
}

TEST_CASE("duplicate keys are reported with both positions", "[yaml]") {
  auto r = parse_text("a: 1\nb: 2\na: 3\n", "f.yaml");
  CHECK_FALSE(r.fatal);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.front().to_string() == "f.yaml:3:1: duplicate key 'a' (first at line 1, column 1)");
  CHECK(r.root.find("a")->scalar == "1");  // the first value is kept
}

TEST_CASE("anchors, aliases and tags are refused", "[yaml]") {
  auto a = parse_text("a: &x 1\nb: *x\n", "f.yaml");
  CHECK(a.fatal);
  CHECK(a.diagnostics.front().message.find("anchors") != std::string::npos);
  auto t = parse_text("a: !!str 1\n", "f.yaml");
  CHECK(t.fatal);
  CHECK(t.diagnostics.front().message.find("tags") != std::string::npos);
}

TEST_CASE("hostile input is refused in bounded time", "[yaml]") {
  // Deep nesting: refused at our limit, long before yaml-cpp's own recursion limit.
  auto deep = parse_text(std::string(100000, '['), "deep.yaml");
  CHECK(deep.fatal);
  CHECK(deep.diagnostics.front().message == "nested deeper than 64 levels, the most a scenario may have");
  // Billion laughs: refused at the first anchor, before anything expands.
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + static_cast<char>(c - 1) + ",*" + static_cast<char>(c - 1) + "]\n";
  auto b = parse_text(bomb, "bomb.yaml");
  CHECK(b.fatal);
  CHECK(b.diagnostics.front().mark.line == 1);
  // Too large.
  azsim::yaml::ParseLimits small;
  small.max_bytes = 10;
  auto big = parse_text("a: 123456789012\n", "big.yaml", small);
  CHECK(big.fatal);
  CHECK(big.diagnostics.front().message.find("at most 10 bytes") != std::string::npos);
  // Too many nodes.
  azsim::yaml::ParseLimits few;
  few.max_nodes = 5;
  CHECK(parse_text("[1, 2, 3, 4, 5, 6, 7]", "n.yaml", few).fatal);
}

TEST_CASE("binary, invalid UTF-8, empty and multi-document files", "[yaml]") {
  auto bin = parse_text(std::string("a: 1\n\0\x01", 7), "b.yaml");
  CHECK(bin.fatal);
  CHECK(bin.diagnostics.front().to_string() == "b.yaml:2:1: this is a binary file (it contains a NUL byte), not a YAML scenario");
  auto utf = parse_text("a: caf\xC3\xA9\nb: \xC3\x28\n", "u.yaml");
  CHECK(utf.fatal);
  CHECK(utf.diagnostics.front().to_string() == "u.yaml:2:4: invalid UTF-8 (byte 0xC3): scenarios must be UTF-8 text");
  CHECK(parse_text("", "e.yaml").fatal);
  CHECK(parse_text("# only a comment\n", "e.yaml").fatal);
  auto two = parse_text("a: 1\n---\nb: 2\n", "t.yaml");
  CHECK(two.fatal);
  CHECK(two.diagnostics.front().message == "more than one YAML document in the file");
  // Valid UTF-8 in values and CRLF line ends are fine.
  auto ok = parse_text("name: M\xC3\xA9naka\r\nb: 2\r\n", "ok.yaml");
  CHECK_FALSE(ok.fatal);
  CHECK(ok.root.find("b")->mark.line == 2);
}

TEST_CASE("malformed YAML names the parser's position", "[yaml]") {
  auto r = parse_text("a: [1, 2\nb: 3\n", "m.yaml");
  REQUIRE(r.fatal);
  CHECK(r.diagnostics.front().message.rfind("malformed YAML: ", 0) == 0);
  CHECK(r.diagnostics.front().mark.line >= 1);
}
