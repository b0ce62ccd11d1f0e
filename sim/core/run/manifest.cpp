#include "core/run/manifest.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

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

namespace {
namespace fs = std::filesystem;

/// An azsim manifest: JSON whose "azsim" member names the version that wrote it.
bool is_azsim_manifest(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec)) || fs::file_size(path, ec) > (std::uintmax_t{16} << 20))
    return false;
  try {
    const io::JsonValue root = io::parse_json(io::read_file(path), path.string());
    const io::JsonValue* azsim = root.find("azsim");
    return azsim && azsim->find("version") && root.find("command");
  } catch (const Error&) {
    return false;
  }
}

/// A folder azsim marks as its own: its manifest or its resume state, here or (for what-if
/// and fidelity folders) in a subfolder.
bool has_azsim_mark(const fs::path& dir, int depth) {
  std::error_code ec;
  if (fs::is_regular_file(fs::symlink_status(dir / ".azsim-state", ec)) || is_azsim_manifest(dir / "manifest.json"))
    return true;
  if (depth == 0) return false;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && !e.is_symlink(ec) && has_azsim_mark(e.path(), depth - 1)) return true;
  return false;
}

/// A file of a kind azsim writes: tables, manifests, scenarios, figures, its resume state, or
/// a temporary file left by an interrupted atomic write (NAME.tmp.<pid>.<n>).
bool azsim_kind_of_file(const fs::path& name) {
  if (name.filename() == ".azsim-state" || io::is_temporary_name(name)) return true;
  const std::string ext = name.extension().string();
  return ext == ".csv" || ext == ".json" || ext == ".yaml" || ext == ".png" || ext == ".svg";
}

/// True when `dir` holds only folders and temporary files: what a process killed before it
/// finished anything leaves.
bool holds_only_temporaries(const fs::path& dir, int depth) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto st = e.symlink_status(ec);
    if (fs::is_directory(st) ? depth == 0 || !holds_only_temporaries(e.path(), depth - 1)
                             : !fs::is_regular_file(st) || !io::is_temporary_name(e.path()))
      return false;
  }
  return true;
}

/// The first entry (relative to `root`) that azsim does not write, or "".
std::string first_stranger(const fs::path& root, const fs::path& dir, int depth) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());  // the same answer on every file system
  for (const auto& p : entries) {
    const auto st = fs::symlink_status(p, ec);
    if (fs::is_directory(st)) {
      if (depth == 0) return fs::relative(p, root, ec).string() + "/";
      if (auto s = first_stranger(root, p, depth - 1); !s.empty()) return s;
    } else if (!fs::is_regular_file(st) || !azsim_kind_of_file(p)) {
      return fs::relative(p, root, ec).string();
    }
  }
  return "";
}

}  // namespace

bool output_dir_is_blank(const std::filesystem::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || (fs::is_directory(dir, ec) && holds_only_temporaries(dir, 4));
}

void require_own_output(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec) || fs::is_empty(dir, ec) || output_dir_is_blank(dir)) return;
  if (!has_azsim_mark(dir, 1))
    throw UsageError(dir.string() + " is not empty and is not an azsim output folder (no azsim manifest.json or "
                     "resume state in it): azsim never writes over files it did not write, even with --force; "
                     "choose another --out (if azsim itself was killed while writing it, remove it yourself)");
  // Deep enough for every folder azsim makes (DIR/baseline/runs/<i>/...).
  if (const std::string s = first_stranger(dir, dir, 4); !s.empty())
    throw UsageError(dir.string() + " holds '" + s + "', which azsim did not write: azsim never writes into a "
                     "folder holding anything but its own output, even with --force; move it away or choose "
                     "another --out");
}

void prepare_output_dir(const std::filesystem::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw UsageError(dir.string() + " exists and is not a folder");
    if (!fs::is_empty(dir, ec) && !force && !output_dir_is_blank(dir))
      throw UsageError(dir.string() + " is not empty; choose another --out, or pass --force to overwrite");
    require_own_output(dir);
    return;
  }
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
}

}  // namespace azsim
