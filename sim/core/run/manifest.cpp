#include "core/run/manifest.hpp"

#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json.hpp"
#include "core/mpi/cluster.hpp"
#include "core/scenario/posterior.hpp"
#include "core/version.hpp"

namespace azsim {

void write_manifest(const std::filesystem::path& dir, const LoadedScenario& scenario, const ManifestInfo& info) {
  io::write_file_atomic(dir / "manifest.json", manifest_json(scenario, info));
}

std::string manifest_json(const LoadedScenario& scenario, const ManifestInfo& info) {
  io::JsonWriter j;
  j.begin_object();
  j.key("azsim").begin_object().key("version").value(version()).key("git_revision").value(git_revision()).end_object();
  j.key("command").value(info.command);
  j.key("model").value(scenario.document().model);
  j.key("scenario").begin_array();
  for (const auto& f : scenario.document().chain)
    j.begin_object().key("path").value(f.path).key("sha256").value(f.sha256).end_object();
  j.end_array();
  if (const auto& post = scenario.document().posterior)
    j.key("posterior").begin_object().key("path").value(post->path).key("sha256").value(post->sha256)
        .key("particles").value(static_cast<std::uint64_t>(post->particles.size())).end_object();
  j.key("sets").begin_array();
  for (const auto& s : scenario.document().sets) j.value(s);
  j.end_array();
  j.key("seed").value(info.seed);
  j.key("first_run").value(info.first_run);
  j.key("runs").value(info.runs);
  j.key("parameters").begin_object();
  for (const auto& p : scenario.parameters().items()) j.key(p.name).value(p.value);
  j.end_object();
  if (!info.extra.empty()) {
    j.key("options").begin_object();
    for (const auto& [k, v] : info.extra) j.key(k).value(v);
    j.end_object();
  }
  j.end_object();
  return j.str();
}

void write_run_info(const std::filesystem::path& dir, double wall_seconds, int threads) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  io::JsonWriter j;
  j.begin_object()
      .key("wall_seconds").value(wall_seconds)
      .key("threads").value(threads)
      .key("processes").value(cluster::size())
      .key("host").value(std::string(host))
      .end_object();
  io::write_file_atomic(dir / "run-info.json", j.str());
}

namespace {
const io::JsonValue& member(const io::JsonValue& v, const char* key, const std::string& path) {
  const io::JsonValue* m = v.find(key);
  if (!m) throw UsageError(path + ": not an azsim manifest (no '" + std::string(key) + "')");
  return *m;
}
}  // namespace

ManifestReplay read_manifest(const std::filesystem::path& manifest) {
  const std::string path = manifest.string();
  if (!std::filesystem::exists(manifest)) throw UsageError("no such file: " + path);
  const io::JsonValue root = io::parse_json(io::read_file(manifest), path);
  ManifestReplay r;
  r.command = member(root, "command", path).text;
  for (const auto& f : member(root, "scenario", path).items) {
    r.chain_paths.push_back(member(f, "path", path).text);
    r.chain_sha256.push_back(member(f, "sha256", path).text);
  }
  if (r.chain_paths.empty()) throw UsageError(path + ": the manifest names no scenario file");
  r.scenario_path = r.chain_paths.front();
  for (const auto& s : member(root, "sets", path).items) r.sets.push_back(s.text);
  auto whole = [&](const char* key) { return static_cast<std::uint64_t>(std::stoull(member(root, key, path).text)); };
  r.seed = whole("seed");
  r.first_run = whole("first_run");
  r.runs = whole("runs");
  return r;
}

void prepare_output_dir(const std::filesystem::path& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw UsageError(dir.string() + " exists and is not a folder");
    if (!fs::is_empty(dir, ec) && !force)
      throw UsageError(dir.string() + " is not empty; choose another --out, or pass --force to overwrite");
    return;
  }
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
}

}  // namespace azsim
