// libFuzzer target: the design-CSV reader of `azsim eval` (header of parameter names, one row
// of values per point, each checked against its prior). A finding is a crash, a sanitizer
// report, a hang or any exception that is not one of azsim's errors.

#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "core/run/ensemble.hpp"
#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)azsim::parse_design(text, "design.csv", azsim::fuzz::minimal().parameters());
  } catch (const azsim::Error&) {
  }
  return 0;
}
