#include <catch2/catch.hpp>

#include <string>

#include "core/sha256.hpp"

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[sha256]") {
  CHECK(azsim::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(azsim::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(azsim::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(azsim::sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 pads correctly around the 55/56/64-byte block edges", "[sha256]") {
  // Lengths around the padding boundary must all differ and be stable.
  std::string prev;
  for (std::size_t n : {54u, 55u, 56u, 57u, 63u, 64u, 65u}) {
    const auto h = azsim::sha256_hex(std::string(n, 'x'));
    CHECK(h.size() == 64);
    CHECK(h != prev);
    prev = h;
  }
  CHECK(azsim::sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
