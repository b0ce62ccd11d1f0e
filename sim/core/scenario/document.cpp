#include "core/scenario/document.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "core/scenario/posterior.hpp"
#include "core/scenario/reader.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace azsim {
namespace fs = std::filesystem;
using yaml::Node;

std::vector<PathStep> parse_override_path(const std::string& path, std::string& error) {
  std::vector<PathStep> steps;
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::size_t i = 0;
  bool expect_key = true;
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      const std::string sel = close == std::string::npos ? "" : path.substr(i + 1, close - i - 1);
      if (steps.empty() || sel.empty() || !std::all_of(sel.begin(), sel.end(), is_word)) {
        error = "malformed path '" + path + "': '[...]' must follow a key and hold an id or an index";
        return {};
      }
      steps.push_back({false, sel});
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (path[i] == '.') {
      if (expect_key) {
        error = "malformed path '" + path + "': empty key";
        return {};
      }
      ++i;
      expect_key = true;
      continue;
    }
    if (!expect_key) {
      error = "malformed path '" + path + "': expected '.' or '[' after '" + path.substr(0, i) + "'";
      return {};
    }
    const std::size_t start = i;
    while (i < path.size() && is_word(path[i])) ++i;
    if (i == start) {
      error = "malformed path '" + path + "': unexpected '" + std::string(1, path[i]) + "'";
      return {};
    }
    steps.push_back({true, path.substr(start, i - start)});
    expect_key = false;
  }
  if (steps.empty() || expect_key) {
    error = "malformed path '" + path + "'";
    return {};
  }
  return steps;
}

namespace {

std::string step_text(const std::vector<PathStep>& steps, std::size_t upto) {
  std::string out;
  for (std::size_t i = 0; i < upto && i < steps.size(); ++i)
    out += steps[i].is_key ? (out.empty() ? "" : ".") + steps[i].text : "[" + steps[i].text + "]";
  return out.empty() ? "the top level" : out;
}

/// Where an override lands: the container and the position in it.
struct Target {
  Node* parent = nullptr;  ///< map or sequence holding the node
  std::size_t index = 0;   ///< position in parent.items
};

/// Walks `steps` from `root`; on failure records a diagnostic at `where` and returns nullopt.
std::optional<Target> resolve(Node& root, const std::vector<PathStep>& steps, const Mark& where,
                              const std::string& path_text, Diagnostics& d) {
  Node* current = &root;
  Target target;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const PathStep& step = steps[s];
    const std::string here = step_text(steps, s);
    if (step.is_key) {
      if (!current->is_map()) {
        d.add(where, path_text, here + " is " + yaml::describe(current->kind) +
                                    ", so it has no key '" + step.text + "'");
        return std::nullopt;
      }
      auto it = std::find_if(current->keys.begin(), current->keys.end(),
                             [&](const Node& k) { return k.scalar == step.text; });
      if (it == current->keys.end()) {
        std::vector<std::string> names;
        for (const auto& k : current->keys) names.push_back(k.scalar);
        d.add(where, path_text, "names nothing that exists: " + here + " has no key '" +
                                    step.text + "'" + (d.full() ? "" : did_you_mean(step.text, names)));
        return std::nullopt;
      }
      target = {current, static_cast<std::size_t>(it - current->keys.begin())};
    } else {
      if (!current->is_sequence()) {
        d.add(where, path_text, here + " is " + yaml::describe(current->kind) + ", not a list, so [" +
                                    step.text + "] selects nothing");
        return std::nullopt;
      }
      const bool numeric = std::all_of(step.text.begin(), step.text.end(),
                                       [](unsigned char c) { return std::isdigit(c); });
      std::optional<std::size_t> found;
      std::vector<std::string> ids;
      for (std::size_t i = 0; i < current->items.size(); ++i) {
        const Node* id = current->items[i].is_map() ? current->items[i].find("id") : nullptr;
        if (id && id->is_scalar()) {
          ids.push_back(id->scalar);
          if (id->scalar == step.text) found = i;
        }
      }
      if (!found && numeric && ids.empty()) {
        const auto n = std::stoull(step.text.size() > 18 ? std::string("999999999999999999") : step.text);
        if (n < current->items.size()) found = static_cast<std::size_t>(n);
      }
      if (!found) {
        std::string why = numeric && !ids.empty()
                              ? "; its elements have ids, so select them by id"
                              : (numeric ? "; it has " + std::to_string(current->items.size()) +
                                               " elements"
                                         : (d.full() ? "" : did_you_mean(step.text, ids)));
        d.add(where, path_text, "names nothing that exists: " + here + " has no element [" +
                                    step.text + "]" + why);
        return std::nullopt;
      }
      target = {current, *found};
    }
    current = &target.parent->items[target.index];
  }
  return target;
}

void apply_value(Node& root, const std::string& path_text, const Mark& where, Node value,
                 Diagnostics& d) {
  std::string err;
  auto steps = parse_override_path(path_text, err);
  if (steps.empty()) {
    d.add(where, "", err);
    return;
  }
  if (auto t = resolve(root, steps, where, path_text, d)) t->parent->items[t->index] = std::move(value);
}

struct Loaded {
  Node root;
  std::string model;
  std::optional<std::pair<std::string, Mark>> posterior;  ///< resolved path, where it is named
};

/// @brief Reads `posterior: FILE` (relative to the file naming it) into `out`, if present.
void read_posterior_key(schema::Reader& reader, const Node& root, const std::string& path, Loaded& out) {
  const Node* node = root.find("posterior");
  if (!node) return;
  auto rel = reader.string(*node, "posterior");
  if (!rel) return;
  out.posterior = std::make_pair((fs::path(path).parent_path() / *rel).lexically_normal().string(), node->mark);
}

Loaded load_chain(const std::string& path, std::vector<std::string>& visiting,
                  std::vector<ScenarioFile>& chain, Diagnostics& d, const Mark* from) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (from == nullptr) throw UsageError("no such file: " + path);
    d.add(*from, "base", "no such file: " + path);
    throw ScenarioError(d);
  }
  if (from != nullptr && fs::is_directory(path, ec)) {
    d.add(*from, "base", path + " is a folder, not a scenario file");
    throw ScenarioError(d);
  }
  if (from != nullptr && !fs::is_regular_file(path, ec)) {
    d.add(*from, "base", path + " is not a regular file (a device, a pipe or a socket), not a scenario file");
    throw ScenarioError(d);
  }
  std::string bytes;
  yaml::ParseResult parsed = yaml::parse_file(path, {}, &bytes);
  chain.push_back({path, sha256_hex(bytes)});
  d.append(parsed.diagnostics);
  if (parsed.fatal) throw ScenarioError(d);

  Node& root = parsed.root;
  schema::Reader reader(d);
  schema::MapReader top(reader, root, "", "a scenario (a mapping of sections)");
  if (!top.ok()) throw ScenarioError(d);
  if (auto v = top.integer("schema_version", 1, 1'000'000); v && *v != 1)
    reader.error(*top.optional("schema_version"), "schema_version",
                 "unsupported schema_version " + std::to_string(*v) + " (this azsim reads 1)");
  auto model = top.string("model");
  const Node* base = top.optional("base");
  const Node* overrides = top.optional("overrides");

  if (!base) {
    if (overrides)
      reader.error(*top.node().find_key("overrides"), "overrides",
                   "'overrides' needs a 'base:' scenario to change");
    Loaded out{std::move(root), model.value_or(""), std::nullopt};
    read_posterior_key(reader, out.root, path, out);
    out.root.erase("overrides");
    out.root.erase("posterior");
    return out;
  }

  // A derived file: load the base, then change it.
  auto base_rel = reader.string(*base, "base");
  if (!base_rel) throw ScenarioError(d);
  const fs::path base_path = fs::path(path).parent_path() / *base_rel;
  const std::string canonical = fs::weakly_canonical(base_path, ec).string();
  const std::string self = fs::weakly_canonical(path, ec).string();
  constexpr std::size_t kMaxChain = 32;
  if (visiting.size() + 1 >= kMaxChain) {
    reader.error(*base, "base", "the base chain is longer than " + std::to_string(kMaxChain) + " files");
    throw ScenarioError(d);
  }
  visiting.push_back(self);
  if (std::find(visiting.begin(), visiting.end(), canonical) != visiting.end()) {
    std::string cycle;
    for (const auto& v : visiting) cycle += fs::path(v).filename().string() + " -> ";
    reader.error(*base, "base", "circular base chain: " + cycle + fs::path(canonical).filename().string());
    throw ScenarioError(d);
  }
  Loaded loaded = load_chain(base_path.lexically_normal().string(), visiting, chain, d, &base->mark);
  visiting.pop_back();
  read_posterior_key(reader, root, path, loaded);  // a derived file's posterior replaces its base's

  if (model && !loaded.model.empty() && *model != loaded.model)
    reader.error(*top.optional("model"), "model",
                 "this file says model '" + *model + "' but its base is a '" + loaded.model +
                     "' scenario");

  for (std::size_t i = 0; i < root.keys.size(); ++i) {
    const std::string& k = root.keys[i].scalar;
    if (k == "schema_version" || k == "model" || k == "base" || k == "overrides" || k == "meta" || k == "posterior")
      continue;
    reader.error(root.keys[i], "",
                 "a file with 'base:' may hold only schema_version, model, base, meta, overrides "
                 "and posterior; change '" + k + "' with an override (path: " + k + ")");
  }

  // meta: key by key.
  if (const Node* meta = root.find("meta")) {
    Node* base_meta = loaded.root.find("meta");
    if (reader.expect(*meta, "meta", yaml::Kind::map, "a mapping") && base_meta && base_meta->is_map()) {
      for (std::size_t i = 0; i < meta->keys.size(); ++i) {
        const std::string& k = meta->keys[i].scalar;
        if (k == "start" || k == "end") {
          reader.error(meta->keys[i], "meta",
                       "'" + k + "' cannot be changed in a derived file's meta; use an override "
                       "(path: meta." + k + ")");
          continue;
        }
        base_meta->set(meta->keys[i], meta->items[i]);
      }
    }
  }

  // Each override walks the tree: a cap keeps a hostile file's cost linear in its size.
  constexpr std::size_t kMaxOverrides = 10'000;
  if (overrides && overrides->is_sequence() && overrides->items.size() > kMaxOverrides) {
    reader.error(*overrides, "overrides", "has " + std::to_string(overrides->items.size()) +
                                              " overrides; a file may have at most " + std::to_string(kMaxOverrides));
    throw ScenarioError(d);
  }
  if (overrides) {
    schema::for_each_item(reader, *overrides, "overrides", [&](const Node& item, const std::string& p) {
      schema::MapReader o(reader, item, p, "an override {path, value | remove | append, why?}");
      if (!o.ok()) return;
      auto target = o.string("path");
      o.strings("why");
      const Node* value = o.optional("value");
      const Node* remove = o.optional("remove");
      const Node* append = o.optional("append");
      o.finish();
      const int ops = (value ? 1 : 0) + (remove ? 1 : 0) + (append ? 1 : 0);
      if (ops != 1) {
        reader.error(item, p, "an override needs exactly one of 'value', 'remove: true' or 'append'");
        return;
      }
      if (!target) return;
      const Mark where = o.node().find("path")->mark;
      std::string err;
      auto steps = parse_override_path(*target, err);
      if (steps.empty()) {
        reader.error(where, p + ".path", err);
        return;
      }
      if (value) {
        apply_value(loaded.root, *target, where, *value, d);
      } else if (remove) {
        auto flag = reader.boolean(*remove, p + ".remove");
        if (flag && !*flag) {
          reader.error(*remove, p + ".remove", "write 'remove: true', or drop the override");
          return;
        }
        if (auto t = resolve(loaded.root, steps, where, *target, d)) {
          Node& parent = *t->parent;
          if (parent.is_map()) parent.keys.erase(parent.keys.begin() + static_cast<std::ptrdiff_t>(t->index));
          parent.items.erase(parent.items.begin() + static_cast<std::ptrdiff_t>(t->index));
        }
      } else if (auto t = resolve(loaded.root, steps, where, *target, d)) {
        Node& list = t->parent->items[t->index];
        if (!list.is_sequence())
          reader.error(where, p + ".path", *target + " is " + yaml::describe(list.kind) +
                                               "; 'append' needs a list");
        else
          list.items.push_back(*append);
      }
    });
  }
  return loaded;
}

}  // namespace

void apply_set(Node& root, const std::string& assignment, Diagnostics& d) {
  auto label = std::make_shared<const std::string>("--set " + assignment);
  const Mark where{label, 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    d.add(where, "", "expected PATH=VALUE, e.g. --set parameters.combat.attrition_rate.value=0.1");
    return;
  }
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  yaml::ParseResult parsed = yaml::parse_text(text, "--set " + assignment);
  Node value;
  if (parsed.fatal) {
    // An empty value is an explicit null; anything else malformed is an error.
    if (!text.empty() && text.find_first_not_of(" \t") != std::string::npos) {
      for (auto diag : parsed.diagnostics.items()) d.add(where, path, "VALUE: " + diag.message);
      return;
    }
    value.mark = where;
  } else {
    value = std::move(parsed.root);
  }
  d.append(parsed.fatal ? Diagnostics{} : parsed.diagnostics);
  apply_value(root, path, where, std::move(value), d);
}

Document load_document(const std::string& path, std::span<const std::string> sets) {
  Diagnostics d;
  std::vector<std::string> visiting;
  Document doc;
  Loaded loaded = load_chain(path, visiting, doc.chain, d, nullptr);
  for (const auto& s : sets) {
    apply_set(loaded.root, s, d);
    doc.sets.push_back(s);
  }
  if (!d.empty()) throw ScenarioError(d);
  loaded.root.erase("base");
  loaded.root.erase("overrides");
  loaded.root.erase("posterior");
  if (loaded.posterior) doc.posterior = read_posterior(loaded.posterior->first, loaded.posterior->second);
  doc.root = std::move(loaded.root);
  doc.model = std::move(loaded.model);
  return doc;
}

}  // namespace azsim
