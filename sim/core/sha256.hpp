#pragma once
/// @file
/// @brief SHA-256 of a byte string (FIPS 180-4), for the manifest's record of input files.

#include <string>
#include <string_view>

namespace azsim {
/// @brief Lower-case hex SHA-256 digest of `bytes`.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);
}  // namespace azsim
