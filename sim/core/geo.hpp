#pragma once
/// @file
/// @brief Distances on the Earth's surface.

namespace azsim {
/// @brief Mean Earth radius used for every distance in the project, in km.
inline constexpr double kEarthRadiusKm = 6371.0;
/// @brief Great-circle (haversine) distance in km between two points given in degrees.
[[nodiscard]] double great_circle_km(double lat1, double lon1, double lat2, double lon2) noexcept;
}  // namespace azsim
