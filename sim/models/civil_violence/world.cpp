#include "models/civil_violence/world.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/civil_violence/purposes.hpp"

namespace azsim::civil_violence {

Diamond make_diamond(int radius, int width, int height) {
  if (radius < 0 || radius > max_vision(width, height) || width > 64)
    throw std::invalid_argument("make_diamond: radius " + std::to_string(radius) + " does not fit a " +
                                std::to_string(width) + " x " + std::to_string(height) + " torus");
  Diamond d;
  d.radius = radius;
  d.rows = 2 * radius + 1;
  d.spans.assign(static_cast<std::size_t>(width * d.rows), 0);
  d.wrap.assign(static_cast<std::size_t>(height * d.rows), 0);
  for (int x = 0; x < width; ++x)
    for (int j = 0; j < d.rows; ++j) {
      const int half = radius - std::abs(j - radius);
      std::uint64_t m = 0;
      for (int dx = -half; dx <= half; ++dx) m |= std::uint64_t{1} << ((x + dx + width) % width);
      d.spans[static_cast<std::size_t>(x * d.rows + j)] = m;
    }
  for (int y = 0; y < height; ++y)
    for (int j = 0; j < d.rows; ++j)
      d.wrap[static_cast<std::size_t>(y * d.rows + j)] = static_cast<std::uint16_t>((y + j - radius + height) % height);
  return d;
}

int diamond_cells(const Diamond& d) noexcept {
  int n = 0;
  for (int j = 0; j < d.rows; ++j) n += std::popcount(d.spans[static_cast<std::size_t>(j)]);
  return n;
}

World build_world(const ScenarioSpec& spec, const RunParameters& params, rng::RunKey key) {
  World w;
  w.spec = &spec;
  w.params = params;
  w.key = key;
  w.width = spec.width;
  w.height = spec.height;
  w.citizen_view = make_diamond(params.citizen_vision, w.width, w.height);
  w.cop_view = make_diamond(params.cop_vision, w.width, w.height);
  // A citizen sees at most every other cell of its diamond as a cop.
  const int max_cops = diamond_cells(w.citizen_view) - 1;
  w.arrest_probability.resize(static_cast<std::size_t>(max_cops + 1));
  for (int n = 0; n <= max_cops; ++n)
    w.arrest_probability[static_cast<std::size_t>(n)] = 1 - std::exp(-params.arrest_constant * n);
  w.legitimacy = legitimacy_schedule(spec, params.legitimacy);

  const auto rows = static_cast<std::size_t>(w.height);
  const auto cells = static_cast<std::size_t>(w.width) * rows;
  w.cop_rows.assign(rows, 0);
  w.active_rows.assign(rows, 0);
  w.occupied_rows.assign(rows, 0);
  w.occupant.assign(cells, -1);
  w.history.push_back({});
  for (std::size_t c = 0; c < cells; ++c) {
    rng::Stream s(key, 0, c, purpose::place);
    const double u = s.uniform();
    const auto cx = static_cast<int>(c % static_cast<std::size_t>(w.width));
    const auto cy = static_cast<int>(c / static_cast<std::size_t>(w.width));
    if (u < params.citizen_density) {
      rng::Stream t(key, 0, w.kind.size(), purpose::traits);  // entity: the citizen's id
      const double h = t.uniform();
      add_agent(w, Kind::citizen, cx, cy, h, t.uniform());
    } else if (u < params.citizen_density + params.cop_density) {
      add_agent(w, Kind::cop, cx, cy);
    }
  }
  w.history.reserve(static_cast<std::size_t>(spec.steps + 1));
  return w;
}

std::int32_t add_agent(World& w, Kind kind, int x, int y, double hardship, double risk_aversion) {
  const std::size_t cell = static_cast<std::size_t>(y) * static_cast<std::size_t>(w.width) + static_cast<std::size_t>(x);
  if (x < 0 || y < 0 || x >= w.width || y >= w.height || w.occupant[cell] >= 0)
    throw std::invalid_argument("add_agent: cell (" + std::to_string(x) + ", " + std::to_string(y) + ") is outside the grid or taken");
  const auto id = static_cast<std::int32_t>(w.kind.size());
  const std::uint64_t bit = std::uint64_t{1} << x;
  w.kind.push_back(kind);
  w.x.push_back(static_cast<std::uint16_t>(x));
  w.y.push_back(static_cast<std::uint16_t>(y));
  w.hardship.push_back(kind == Kind::citizen ? hardship : 0.0);
  w.risk_aversion.push_back(kind == Kind::citizen ? risk_aversion : 0.0);
  w.jail_left.push_back(0);
  w.active.push_back(0);
  w.occupied_rows[static_cast<std::size_t>(y)] |= bit;
  w.occupant[cell] = id;
  if (kind == Kind::cop) {
    ++w.cops;
    w.cop_rows[static_cast<std::size_t>(y)] |= bit;
  } else {
    ++w.citizens;
  }
  w.order.resize(w.kind.size());
  // The record of the current step follows (only ever called before the first step).
  w.history.back() = {static_cast<std::int32_t>(w.active_count),
                      static_cast<std::int32_t>(w.citizens - w.active_count - w.jailed_count),
                      static_cast<std::int32_t>(w.jailed_count)};
  return id;
}

void set_active(World& w, std::int32_t id, bool active) {
  const auto i = static_cast<std::size_t>(id);
  if (w.kind.at(i) != Kind::citizen || w.jail_left[i] > 0) throw std::invalid_argument("set_active: not a free citizen");
  if (static_cast<bool>(w.active[i]) == active) return;
  w.active[i] = active;
  w.active_rows[w.y[i]] ^= std::uint64_t{1} << w.x[i];
  w.active_count += active ? 1 : -1;
  w.history.back() = {static_cast<std::int32_t>(w.active_count),
                      static_cast<std::int32_t>(w.citizens - w.active_count - w.jailed_count),
                      static_cast<std::int32_t>(w.jailed_count)};
}

void check_invariants(const World& w) {
  const auto fail = [](const std::string& what) { throw std::logic_error("civil_violence invariant: " + what); };
  const std::size_t n = w.kind.size();
  if (w.x.size() != n || w.y.size() != n || w.jail_left.size() != n || w.active.size() != n || w.hardship.size() != n)
    fail("agent arrays of different lengths");
  std::vector<std::uint64_t> cops(w.cop_rows.size(), 0), actives(cops.size(), 0), occupied(cops.size(), 0);
  std::int64_t citizens = 0, active = 0, jailed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t cell = static_cast<std::size_t>(w.y[i]) * static_cast<std::size_t>(w.width) + w.x[i];
    if (w.occupant[cell] != static_cast<std::int32_t>(i))
      fail("agent " + std::to_string(i) + " is not the occupant of its cell");
    const std::uint64_t bit = std::uint64_t{1} << w.x[i];
    if (occupied[w.y[i]] & bit) fail("two agents on one cell");
    occupied[w.y[i]] |= bit;
    if (w.kind[i] == Kind::cop) {
      cops[w.y[i]] |= bit;
      if (w.active[i] || w.jail_left[i]) fail("a cop is active or jailed");
      continue;
    }
    ++citizens;
    if (w.jail_left[i] < 0) fail("a negative jail term");
    if (w.jail_left[i] > 0) {
      ++jailed;
      if (w.active[i]) fail("a jailed citizen is active");
    }
    if (w.active[i]) {
      ++active;
      actives[w.y[i]] |= bit;
    }
  }
  std::size_t occupants = 0;
  for (auto o : w.occupant) occupants += o >= 0;
  if (occupants != n) fail("cells name " + std::to_string(occupants) + " occupants for " + std::to_string(n) + " agents");
  if (cops != w.cop_rows || actives != w.active_rows || occupied != w.occupied_rows) fail("grid words disagree with the agents");
  if (citizens != w.citizens || static_cast<std::int64_t>(n) - citizens != w.cops) fail("agent counts changed");
  if (active != w.active_count) fail("active count " + std::to_string(w.active_count) + ", recount " + std::to_string(active));
  if (jailed != w.jailed_count) fail("jailed count " + std::to_string(w.jailed_count) + ", recount " + std::to_string(jailed));
}

}  // namespace azsim::civil_violence
