// libFuzzer target: the whole scenario loader on arbitrary bytes — the YAML reader (limits,
// UTF-8, anchors, tags), base: chains (a relative base resolves next to the input, where
// minimal.yaml is), overrides, posterior files and the azawad schema. A finding is a crash, a
// sanitizer report, a hang (-timeout), an excess of memory (-rss_limit_mb) or any exception
// that is not one of azsim's errors (ScenarioError, UsageError, IoError).

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "support.hpp"

namespace {

/// A private folder holding the input and a copy of the test world for `base: minimal.yaml`.
const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "azsim-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) abort();
    std::filesystem::copy_file(azsim::fuzz::minimal_path(), std::filesystem::path(pattern) / "minimal.yaml");
    return std::filesystem::path(pattern);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = work_dir() / "input.yaml";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    (void)azsim::load_scenario(azsim::fuzz::registry(), path.string());
  } catch (const azsim::Error&) {
    // a clear error: what a hostile file must get
  }
  return 0;
}
