#include <catch2/catch.hpp>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "core/random/stream.hpp"

using azsim::rng::combine;
using azsim::rng::RunKey;
using azsim::rng::stable_id;
using azsim::rng::Stream;

namespace {

std::vector<std::uint64_t> words(Stream s, std::size_t count) {
  std::vector<std::uint64_t> out(count);
  for (auto& w : out) w = s.next_u64();
  return out;
}

const RunKey kKey{20120117, 3};
const std::uint64_t kEntity = stable_id("community:kidal/ifoghas");
const std::uint64_t kPurpose = stable_id("recruitment");

}  // namespace

TEST_CASE("stream reproduces Random123's Philox4x64-10 known-answer vector", "[random][stream]") {
  // Random123 kat_vectors: philox4x64 10, counter 0 0 0 0, key 0 0.
  Stream s(RunKey{0, 0}, 0, 0, 0);
  CHECK(s.next_u64() == 0x16554d9eca36314cull);
  CHECK(s.next_u64() == 0xdb20fe9d672d0fdcull);
  CHECK(s.next_u64() == 0xd7e772cee186176bull);
  CHECK(s.next_u64() == 0x7e68b68aec7ba23bull);
}

TEST_CASE("stream maps its key to Philox's key and counter as documented", "[random][stream]") {
  // key = {seed, run}, counter = {day, entity, purpose, block}; block 0 then 1.
  const std::int64_t day = -5;  // days before the epoch are legal keys too
  Stream s(kKey, day, kEntity, kPurpose);
  r123::Philox4x64 philox;
  const r123::Philox4x64::key_type key = {{kKey.seed, kKey.run}};
  for (std::uint64_t block = 0; block < 3; ++block) {
    const r123::Philox4x64::ctr_type ctr = {{static_cast<std::uint64_t>(day), kEntity, kPurpose, block}};
    const auto expected = philox(ctr, key);
    for (int i = 0; i < 4; ++i) CHECK(s.next_u64() == expected.v[i]);
  }
}

TEST_CASE("stream's first words for a fixed project key are pinned", "[random][stream]") {
  // Computed once with this implementation; a change here changes every run's results.
  Stream s(kKey, 42, kEntity, kPurpose);
  CHECK(s.next_u64() == 0x1caec3e1f7bfee61ull);
  CHECK(s.next_u64() == 0xcb327fcba34a1e85ull);
  CHECK(s.next_u64() == 0xc2a6eb0332db73f6ull);
  CHECK(s.next_u64() == 0x7b3dabcdd3c1af77ull);
}

TEST_CASE("same key gives the same words, any key field changes them", "[random][stream]") {
  const auto base = words(Stream(kKey, 42, kEntity, kPurpose), 64);
  CHECK(words(Stream(kKey, 42, kEntity, kPurpose), 64) == base);

  const std::vector<std::vector<std::uint64_t>> variants{
      words(Stream(RunKey{kKey.seed + 1, kKey.run}, 42, kEntity, kPurpose), 64),
      words(Stream(RunKey{kKey.seed, kKey.run + 1}, 42, kEntity, kPurpose), 64),
      words(Stream(kKey, 43, kEntity, kPurpose), 64),
      words(Stream(kKey, -42, kEntity, kPurpose), 64),
      words(Stream(kKey, 42, kEntity + 1, kPurpose), 64),
      words(Stream(kKey, 42, kEntity, kPurpose + 1), 64),
      // Swapping fields must not collide either.
      words(Stream(RunKey{kKey.run, kKey.seed}, 42, kEntity, kPurpose), 64),
      words(Stream(kKey, 42, kPurpose, kEntity), 64),
  };
  for (const auto& v : variants) {
    CHECK(v != base);
    // Not merely different somewhere: no word is shared with the base sequence.
    std::size_t shared = 0;
    for (std::size_t i = 0; i < v.size(); ++i) shared += v[i] == base[i];
    CHECK(shared == 0);
  }
}

TEST_CASE("a stream's words do not depend on draws from other streams", "[random][stream]") {
  const auto alone = words(Stream(kKey, 7, kEntity, kPurpose), 100);

  Stream a(kKey, 7, kEntity, kPurpose);
  Stream b(kKey, 7, kEntity, stable_id("movement"));
  Stream c(kKey, 8, kEntity, kPurpose);
  std::vector<std::uint64_t> interleaved;
  for (int i = 0; i < 100; ++i) {
    for (int j = 0; j < i % 7; ++j) (void)b.next_u64();
    (void)c.uniform();
    interleaved.push_back(a.next_u64());
  }
  CHECK(interleaved == alone);
}

TEST_CASE("words_drawn counts every word, whichever accessor drew it", "[random][stream]") {
  Stream s(kKey, 1, 2, 3);
  CHECK(s.words_drawn() == 0);
  (void)s.next_u64();
  (void)s.uniform();
  (void)s.uniform_open();
  for (int i = 0; i < 10; ++i) (void)s.next_u64();
  CHECK(s.words_drawn() == 13);
}

TEST_CASE("uniform uses the word's top 53 bits, both uniforms stay in range", "[random][stream]") {
  Stream raw(kKey, 9, kEntity, kPurpose);
  Stream u(kKey, 9, kEntity, kPurpose);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t w = raw.next_u64();
    CHECK(u.uniform() == static_cast<double>(w >> 11) / 9007199254740992.0);
  }

  Stream s(kKey, 10, kEntity, kPurpose);
  double lo = 1.0, hi = 0.0, lo_open = 1.0, hi_open = 0.0, sum = 0.0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = s.uniform();
    const double y = s.uniform_open();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    REQUIRE(y > 0.0);
    REQUIRE(y < 1.0);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    lo_open = std::min(lo_open, y);
    hi_open = std::max(hi_open, y);
    sum += x + y;
  }
  CHECK(lo < 1e-4);
  CHECK(hi > 1 - 1e-4);
  CHECK(lo_open < 1e-4);
  CHECK(hi_open > 1 - 1e-4);
  // Mean of 2n uniforms: 1/2 with standard error sqrt(1/12 / 2n).
  CHECK(std::abs(sum / (2.0 * n) - 0.5) < 5.0 * std::sqrt(1.0 / 12.0 / (2.0 * n)));
}

TEST_CASE("stable_id is FNV-1a 64 and combine is pinned", "[random][stream]") {
  // Published FNV-1a 64-bit test vectors.
  STATIC_REQUIRE(stable_id("") == 0xcbf29ce484222325ull);
  STATIC_REQUIRE(stable_id("a") == 0xaf63dc4c8601ec8cull);
  STATIC_REQUIRE(stable_id("foobar") == 0x85944171f73967e8ull);
  CHECK(stable_id("gao") != stable_id("Gao"));

  // Pinned: the keys of paired entities must never change between versions.
  STATIC_REQUIRE(combine(1, 2) == 0x30883360cc68d7b1ull);
  STATIC_REQUIRE(combine(2, 1) == 0x604fc2bd55323e12ull);
  CHECK(combine(stable_id("gao"), 7) == 0x96cfa3148d1a0fc8ull);

  // Distinct second arguments give distinct keys (a bijection in b for fixed a).
  std::set<std::uint64_t> seen;
  for (std::uint64_t b = 0; b < 10000; ++b) seen.insert(combine(stable_id("menaka"), b));
  CHECK(seen.size() == 10000);
}
