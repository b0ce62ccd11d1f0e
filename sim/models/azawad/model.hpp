#pragma once
/// @file
/// @brief The azawad model as the core sees it: name, parameter table and loader.

#include <memory>

#include "core/model.hpp"

namespace azsim::azawad {
/// @brief Makes the model object the app registers.
[[nodiscard]] std::unique_ptr<Model> make_model();
}  // namespace azsim::azawad
