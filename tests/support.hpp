#pragma once
// Helpers shared by the tests: paths into the source tree, running the azsim binary.

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace azsim::test {

/// @brief A path inside the source tree.
inline std::string source_path(const std::string& relative) {
  return (std::filesystem::path(AZSIM_SOURCE_DIR) / relative).string();
}

/// @brief What a command printed and how it ended.
struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// @brief Runs `azsim ARGS` from the source tree (ARGS is passed to the shell as is).
inline CommandResult run_azsim(const std::string& args) {
  const std::string cmd = "cd '" + std::string(AZSIM_SOURCE_DIR) + "' && '" + AZSIM_BINARY + "' " + args + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf{};
  while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe)) result.output.append(buf.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace azsim::test
