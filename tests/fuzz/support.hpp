#pragma once
// What the libFuzzer targets share: the model registry and the small test world, loaded once.

#include <memory>
#include <string>

#include "core/model.hpp"
#include "models/azawad/model.hpp"

namespace azsim::fuzz {

inline const ModelRegistry& registry() {
  static const ModelRegistry r = [] {
    ModelRegistry reg;
    reg.add(azawad::make_model());
    return reg;
  }();
  return r;
}

/// @brief tests/data/good/minimal.yaml: the world the override and design targets change.
inline const std::string& minimal_path() {
  static const std::string p = std::string(AZSIM_SOURCE_DIR) + "/tests/data/good/minimal.yaml";
  return p;
}

inline const LoadedScenario& minimal() {
  static const std::shared_ptr<const LoadedScenario> s = load_scenario(registry(), minimal_path());
  return *s;
}

}  // namespace azsim::fuzz
