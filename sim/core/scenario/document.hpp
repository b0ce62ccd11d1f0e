#pragma once
/// @file
/// @brief Loading a scenario file with its `base:` chain, its overrides and `--set` values,
/// into one composed YAML tree that a model's schema then reads. Model-independent.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/yaml/tree.hpp"

namespace azsim {

/// @brief One file of a scenario's `base:` chain.
struct ScenarioFile {
  std::string path;     ///< as given, or as resolved from the deriving file
  std::string sha256;   ///< of the bytes read
};

struct Posterior;

/// @brief A composed scenario: the merged tree plus where it came from.
struct Document {
  yaml::Node root;                   ///< merged tree; `base` and `overrides` are gone
  std::string model;                 ///< the `model:` of the chain
  std::vector<ScenarioFile> chain;   ///< the file given first, then its base, ...
  std::vector<std::string> sets;     ///< `--set` overrides, in order
  /// The posterior sample named by `posterior: FILE` (the last file of the chain naming one
  /// wins), read and syntax-checked; load_scenario checks it against the parameters.
  std::shared_ptr<const Posterior> posterior;
};

/// @brief Loads `path` and everything it derives from, applies overrides and `sets`.
/// @throws ScenarioError with every problem found; UsageError when `path` does not exist.
[[nodiscard]] Document load_document(const std::string& path, std::span<const std::string> sets = {});

/// @brief One step of an override path: a key, or a `[selector]` (an id or an index).
struct PathStep {
  bool is_key = true;
  std::string text;
};

/// @brief Parses "a.b[id].c[2]"; on failure returns an empty vector and sets `error`.
[[nodiscard]] std::vector<PathStep> parse_override_path(const std::string& path, std::string& error);

/// @brief Applies one `--set PATH=VALUE` to a tree; problems go to `diagnostics`.
void apply_set(yaml::Node& root, const std::string& assignment, Diagnostics& diagnostics);

}  // namespace azsim
