#pragma once
/// @file
/// @brief The two metadata files of every output folder. `manifest.json` is deterministic: it
/// records everything needed to reproduce the folder (azsim version and revision, every
/// scenario file of the base chain with its sha256, the --set overrides, the resolved
/// parameters, the seed, the runs). `run-info.json` holds what may differ between identical
/// runs (wall time, threads, host) and nothing else.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"

namespace azsim {

/// @brief What a manifest says about how a folder was made.
struct ManifestInfo {
  std::string command;        ///< "run", "ensemble", ...
  std::uint64_t seed = 0;
  std::uint64_t first_run = 0;
  std::uint64_t runs = 1;
  /// Further options that shape the folder's contents (e.g. replicates, a design's sha256),
  /// as key/value text, in the order given.
  std::vector<std::pair<std::string, std::string>> extra;
};

/// @brief The manifest's text: the same for the same scenario files, overrides and info.
[[nodiscard]] std::string manifest_json(const LoadedScenario& scenario, const ManifestInfo& info);

/// @brief Writes DIR/manifest.json atomically.
void write_manifest(const std::filesystem::path& dir, const LoadedScenario& scenario, const ManifestInfo& info);

/// @brief Writes DIR/run-info.json atomically.
void write_run_info(const std::filesystem::path& dir, double wall_seconds, int threads);

/// @brief What `azsim rerun` needs back from a manifest.
struct ManifestReplay {
  std::string command;
  std::string scenario_path;           ///< the first file of the chain, as recorded
  std::vector<std::string> chain_sha256;
  std::vector<std::string> chain_paths;
  std::vector<std::string> sets;
  std::uint64_t seed = 0, first_run = 0, runs = 1;
};

/// @brief Reads a manifest written by write_manifest. @throws IoError or UsageError with the
/// path and what is wrong.
[[nodiscard]] ManifestReplay read_manifest(const std::filesystem::path& manifest);

/// @brief Refuses (UsageError) a non-empty folder that is not azsim's own output: one without
/// an azsim manifest.json or resume state (at its top or in a subfolder), or holding anything
/// azsim does not write (files other than .csv, .json, .yaml, .png, .svg, its resume state and
/// its temporary files; links; devices). `--force` never overrides this: azsim never writes
/// over, nor deletes, files it did not write.
void require_own_output(const std::filesystem::path& dir);

/// @brief True when `dir` does not exist, or holds nothing but folders and azsim's temporary
/// files: nothing was finished there (a process killed before its first save).
[[nodiscard]] bool output_dir_is_blank(const std::filesystem::path& dir);

/// @brief Prepares an output folder: creates it, or refuses (UsageError) when it exists and
/// is not empty, unless `force` and it is azsim's own output (require_own_output).
void prepare_output_dir(const std::filesystem::path& dir, bool force);

}  // namespace azsim
