#include <catch2/catch.hpp>

#include <vector>

#include "core/geo.hpp"
#include "core/text.hpp"

TEST_CASE("edit distance and did-you-mean", "[text]") {
  CHECK(azsim::edit_distance("kitten", "sitting") == 3);
  CHECK(azsim::edit_distance("", "abc") == 3);
  const std::vector<std::string> keys{"treasury_cfa", "pay_cfa_per_day", "morale", "kind"};
  CHECK(azsim::did_you_mean("treasury", keys) == " (did you mean 'treasury_cfa'?)");
  CHECK(azsim::did_you_mean("moral", keys) == " (did you mean 'morale'?)");
  CHECK(azsim::did_you_mean("completely_else", keys).empty());
}

TEST_CASE("great-circle distances", "[geo]") {
  // A degree of latitude is 2*pi*6371/360 km.
  CHECK(azsim::great_circle_km(0, 0, 1, 0) == Approx(111.195).epsilon(1e-4));
  CHECK(azsim::great_circle_km(10, 20, 10, 20) == 0.0);
  // Antipodes: half the circumference.
  CHECK(azsim::great_circle_km(0, 0, 0, 180) == Approx(20015.09).epsilon(1e-5));
}
