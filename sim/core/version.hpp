#pragma once
/// @file
/// @brief The version of azsim and the git revision it was built from.

namespace azsim {
/// @brief Semantic version of the project, e.g. "0.1.0".
[[nodiscard]] const char* version() noexcept;
/// @brief `git describe --always --dirty` of the source tree at build time, or "unknown".
[[nodiscard]] const char* git_revision() noexcept;
}  // namespace azsim
