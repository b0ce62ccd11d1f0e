#include "core/scenario/posterior.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/model.hpp"
#include "core/random/stream.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace azsim {

namespace {
constexpr std::uint64_t kPosteriorPurpose = 0x706f73746572696f;  // "posterio"

Mark at(const std::shared_ptr<const std::string>& file, int line, int column) {
  Mark m;
  m.file = file;
  m.line = line;
  m.column = column;
  return m;
}
}  // namespace

std::size_t Posterior::pick(std::uint64_t seed, std::uint64_t run) const {
  rng::Stream s({seed, run}, 0, 0, kPosteriorPurpose);
  const double u = s.uniform();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  return std::min(static_cast<std::size_t>(it - cumulative.begin()), particles.size() - 1);
}

std::shared_ptr<const Posterior> read_posterior(const std::string& path, const Mark& named_at) {
  Diagnostics d;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    d.add(named_at, "posterior", "no such posterior file: " + path);
    throw ScenarioError(d);
  }
  constexpr std::uintmax_t kMaxPosteriorBytes = std::uintmax_t{64} << 20;  // ~10^6 particles of a dozen values
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxPosteriorBytes) {
    d.add(named_at, "posterior", path + " is " + std::to_string(size) + " bytes; a posterior file may be at most " +
                                     std::to_string(kMaxPosteriorBytes) + " bytes");
    throw ScenarioError(d);
  }
  auto p = std::make_shared<Posterior>();
  p->path = path;
  p->mark = named_at;
  const std::string bytes = io::read_file(path);
  p->sha256 = sha256_hex(bytes);
  const auto file = std::make_shared<const std::string>(path);
  std::vector<std::vector<std::string>> rows;
  try {
    rows = io::read_csv(bytes, path);
  } catch (const IoError& e) {
    d.add(at(file, 1, 1), "", e.what());
    throw ScenarioError(d);
  }
  if (rows.size() < 2) {
    d.add(at(file, 1, 1), "", "expected a header (parameter names, weight) and at least one particle");
    throw ScenarioError(d);
  }
  std::size_t weight_col = rows[0].size();
  std::vector<std::size_t> param_cols;
  for (std::size_t c = 0; c < rows[0].size(); ++c) {
    const std::string& name = rows[0][c];
    if (name == "weight") weight_col = c;
    else if (name != "distance") {
      p->parameters.push_back(name);
      param_cols.push_back(c);
    }
  }
  if (weight_col == rows[0].size()) d.add(at(file, 1, 1), "", "no 'weight' column");
  if (p->parameters.empty()) d.add(at(file, 1, 1), "", "no parameter columns");
  if (!d.empty()) throw ScenarioError(d);
  double total = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const int line = static_cast<int>(r + 1);
    if (rows[r].size() == 1 && rows[r][0].empty()) continue;
    if (rows[r].size() != rows[0].size()) {
      d.add(at(file, line, 1), "", std::to_string(rows[r].size()) + " fields, expected " + std::to_string(rows[0].size()));
      continue;
    }
    const auto number = [&](std::size_t c) -> double {
      const std::string& t = rows[r][c];
      double v = 0;
      const auto [end, e] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (e != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) {
        d.add(at(file, line, static_cast<int>(c + 1)), rows[0][c], "expected a finite number, got '" + abbreviate(t) + "'");
        return 0;
      }
      return v;
    };
    std::vector<double> particle;
    for (std::size_t c : param_cols) particle.push_back(number(c));
    const double w = number(weight_col);
    if (w < 0) d.add(at(file, line, static_cast<int>(weight_col + 1)), "weight", "a weight must be >= 0");
    total += w;
    p->particles.push_back(std::move(particle));
    p->weights.push_back(w);
  }
  if (d.empty() && !(total > 0)) d.add(at(file, 1, 1), "weight", "the weights sum to 0");
  if (!d.empty()) throw ScenarioError(d);
  double run = 0;
  for (double& w : p->weights) {
    w /= total;
    run += w;
    p->cumulative.push_back(run);
  }
  return p;
}

void check_posterior(const Posterior& posterior, const ParameterSet& parameters) {
  Diagnostics d;
  const auto file = std::make_shared<const std::string>(posterior.path);
  std::vector<std::string> known;
  for (const auto& p : parameters.items()) known.push_back(p.name);
  std::vector<std::size_t> index;
  for (std::size_t c = 0; c < posterior.parameters.size(); ++c) {
    const auto i = parameters.index_of(posterior.parameters[c]);
    if (!i) {
      d.add(at(file, 1, static_cast<int>(c + 1)), posterior.parameters[c],
            "not a parameter of the scenario" + did_you_mean(posterior.parameters[c], known));
      index.push_back(0);
      continue;
    }
    index.push_back(*i);
  }
  if (!d.empty()) throw ScenarioError(d);
  for (std::size_t r = 0; r < posterior.particles.size(); ++r)
    for (std::size_t c = 0; c < index.size(); ++c) {
      const Prior& prior = parameters.items()[index[c]].prior;
      const double v = posterior.particles[r][c];
      if (!prior.contains(v))
        d.add(at(file, static_cast<int>(r + 2), static_cast<int>(c + 1)), posterior.parameters[c],
              format_number(v) + " is outside the prior's support [" + format_number(prior.low) + ", " +
                  format_number(prior.high) + "]");
    }
  if (!d.empty()) throw ScenarioError(d);
}

std::vector<double> posterior_values(const LoadedScenario& scenario, std::uint64_t seed, std::uint64_t run) {
  const auto& post = scenario.document().posterior;
  if (!post) return {};
  const auto& items = scenario.parameters().items();
  std::vector<double> values;
  values.reserve(items.size());
  for (const auto& p : items) values.push_back(p.value);
  const auto& particle = post->particles[post->pick(seed, run)];
  for (std::size_t c = 0; c < post->parameters.size(); ++c)
    values[*scenario.parameters().index_of(post->parameters[c])] = particle[c];
  return values;
}

}  // namespace azsim
