// The azawad model's schema section: reads a composed scenario document into a ScenarioSpec,
// collecting every problem with its file, line, column and key path (docs/scenario-format.md).

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "core/geo.hpp"
#include "core/scenario/sections.hpp"
#include "core/text.hpp"
#include "models/azawad/parameters.hpp"
#include "models/azawad/spec.hpp"

namespace azsim::azawad {
namespace {

using schema::Bounds;
using schema::for_each_item;
using schema::MapReader;
using schema::Reader;
using yaml::Node;

constexpr std::int64_t kMaxFightersPerEntry = 10'000'000;
/// Every fighter is an agent with ~100 bytes of state: 10^7 of them is about 1 GiB.
constexpr std::int64_t kMaxFightersInAll = 10'000'000;
constexpr std::int64_t kMaxPopulation = 100'000'000;
constexpr std::size_t kMaxEntities = 10'000;
/// The route tables are nodes x nodes (next hop and distance): 2,000 nodes is ~50 MB.
constexpr std::size_t kMaxNodes = 2'000;
constexpr std::size_t kMaxGroups = 64;

constexpr std::string_view kFactionKinds[] = {"insurgent", "state", "outside"};
constexpr std::string_view kGoals[] = {"independence", "autonomy", "state", "sharia_state", "none"};
constexpr std::string_view kNodeKinds[] = {"town", "rural", "refuge", "border"};
constexpr std::string_view kTerrains[] = {"urban", "desert", "mountain", "riverine"};
constexpr std::string_view kEdgeKinds[] = {"road", "track", "crossing"};
constexpr std::string_view kStates[] = {"allied", "neutral", "war", "talks", "ceasefire"};
constexpr std::string_view kShockKinds[] = {"intervention", "mediation"};
constexpr std::string_view kClauseKinds[] = {
    "control_change", "evacuation",    "holds_none",     "attack",
    "defection_share", "goal_shift",   "relation_state", "lost_control",
    "held_fraction",  "event_count",   "battle_casualties"};
constexpr std::string_view kEventTypes[] = {"battle",   "suicide_bomb", "bomb",      "reprisal",
                                            "massacre", "incident",     "defection", "talks",
                                            "ceasefire", "violation",   "evacuation", "surrender",
                                            "strike"};
constexpr std::string_view kNegotiationStates[] = {"talks", "ceasefire"};

template <typename E, std::size_t N>
E enum_of(const std::string& text, const std::string_view (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  return static_cast<E>(0);
}

/// Ids declared in one list, for resolving references with "did you mean". Lookups are
/// hashed: a hostile file may hold ten thousand ids and a hundred thousand references.
struct IdTable {
  explicit IdTable(std::string kind = {}, std::vector<std::string> declared = {})
      : what(std::move(kind)), ids(std::move(declared)) {}
  std::string what;  // "faction", "node", ...
  std::vector<std::string> ids;
  [[nodiscard]] Index find(std::string_view id) const {
    for (; indexed < ids.size(); ++indexed)  // index the ids added since the last lookup
      index.emplace(ids[indexed], static_cast<Index>(indexed));  // the first of duplicates wins
    const auto it = index.find(std::string(id));
    return it == index.end() ? kNone : it->second;
  }

  mutable std::unordered_map<std::string, Index> index;  // filled by find()
  mutable std::size_t indexed = 0;
};

class SpecReader {
 public:
  explicit SpecReader(Reader& r) : r_(r) {}

  ScenarioSpec read(MapReader& top) {
    read_meta(top);
    declare_ids(top);
    if (const Node* n = top.required("groups", "a list of ethnic groups")) read_groups(*n);
    if (const Node* n = top.required("factions", "a list of factions")) read_factions(*n);
    if (const Node* n = top.optional("blocs")) read_blocs(*n);
    if (const Node* n = top.required("nodes", "a list of places")) read_nodes(*n);
    if (const Node* n = top.required("edges", "a list of roads and tracks")) {
      read_edges(*n);
      check_connected(top.node().find("nodes"));
    }
    if (const Node* n = top.optional("communities")) read_communities(*n);
    if (const Node* n = top.optional("relations")) read_relations(*n);
    if (const Node* n = top.required("forces", "the fighters at the start")) read_forces(*n);
    if (const Node* n = top.optional("shocks")) read_shocks(*n);
    spec_.parameters = schema::read_parameters_section(top, parameter_table());
    if (const Node* n = top.optional("targets")) read_targets(*n);
    return std::move(spec_);
  }

 private:
  // ---- small readers -------------------------------------------------------------------

  Citation cite(MapReader& m, bool required = true) {
    Citation c;
    c.sources = m.strings("source");
    if (auto a = m.string("assumption", false)) c.assumption = *a;
    if (required && c.sources.empty() && c.assumption.empty() && m.ok())
      r_.error(m.node(), m.path(),
               "cites nothing: give 'source:' (where the numbers come from) or 'assumption:' "
               "(the reasoning, when no source exists)");
    return c;
  }

  Index ref(const Node& node, const std::string& path, const IdTable& table) {
    auto id = r_.id(node, path);
    if (!id) return kNone;
    const Index i = table.find(*id);
    if (i == kNone)
      r_.error(node, path, "unknown " + table.what + " '" + *id + "'" + r_.suggest(*id, table.ids));
    return i;
  }

  Index ref(MapReader& m, std::string_view key, const IdTable& table, bool required = true) {
    const Node* n = required ? m.required(key, "a " + table.what + " id") : m.optional(key);
    return n ? ref(*n, m.path(key), table) : kNone;
  }

  std::vector<Index> refs(const Node& node, const std::string& path, const IdTable& table,
                          bool allow_empty = true) {
    std::vector<Index> out;
    for_each_item(r_, node, path, [&](const Node& item, const std::string& p) {
      const Index i = ref(item, p, table);
      if (i == kNone) return;
      if (std::find(out.begin(), out.end(), i) != out.end())
        r_.error(item, p, table.what + " '" + table.ids[static_cast<std::size_t>(i)] + "' is listed twice");
      out.push_back(i);
    });
    if (!allow_empty && node.is_sequence() && node.items.empty())
      r_.error(node, path, "expected at least one " + table.what);
    return out;
  }

  /// A date inside the scenario, as a day index.
  std::optional<Day> day(const Node& node, const std::string& path) {
    auto d = r_.date(node, path);
    if (!d) return std::nullopt;
    if (!have_period_) return 0;
    if (*d < spec_.start || *d > spec_.end) {
      r_.error(node, path, "date " + d->to_string() + " is outside the scenario (" +
                               spec_.start.to_string() + " to " + spec_.end.to_string() + ")");
      return std::nullopt;
    }
    return static_cast<Day>(days_between(spec_.start, *d));
  }

  std::optional<Day> day(MapReader& m, std::string_view key, bool required = true) {
    const Node* n = required ? m.required(key, "a date, YYYY-MM-DD") : m.optional(key);
    return n ? day(*n, m.path(key)) : std::nullopt;
  }

  /// `[first, last]` dates inside the scenario, first <= last.
  bool window(MapReader& m, std::string_view key, Day& first, Day& last) {
    const Node* n = m.required(key, "[first date, last date]");
    if (!n) return false;
    const std::string p = m.path(key);
    if (!n->is_sequence() || n->items.size() != 2) {
      r_.error(*n, p, "expected [first date, last date], got " +
                          (n->is_sequence() ? std::to_string(n->items.size()) + " values"
                                            : std::string(yaml::describe(n->kind))));
      return false;
    }
    auto a = day(n->items[0], p + "[0]");
    auto b = day(n->items[1], p + "[1]");
    if (!a || !b) return false;
    if (*a > *b) {
      r_.error(*n, p, "the window ends before it starts (" + n->items[0].scalar + " > " +
                          n->items[1].scalar + ")");
      return false;
    }
    first = *a;
    last = *b;
    return true;
  }

  /// `[lo, hi]` numbers within `b`, lo <= hi.
  bool range(MapReader& m, std::string_view key, const Bounds& b, double& lo, double& hi,
             bool required = true) {
    const Node* n = required ? m.required(key, "[low, high]") : m.optional(key);
    if (!n) return false;
    const std::string p = m.path(key);
    if (!n->is_sequence() || n->items.size() != 2) {
      r_.error(*n, p, "expected [low, high], got " +
                          (n->is_sequence() ? std::to_string(n->items.size()) + " values"
                                            : std::string(yaml::describe(n->kind))));
      return false;
    }
    auto a = r_.number(n->items[0], p + "[0]", b);
    auto c = r_.number(n->items[1], p + "[1]", b);
    if (!a || !c) return false;
    if (*a > *c) {
      r_.error(*n, p, "low must be <= high (got [" + n->items[0].scalar + ", " + n->items[1].scalar + "])");
      return false;
    }
    lo = *a;
    hi = *c;
    return true;
  }

  /// A mix over groups: `{group: share}`, shares summing to 1.
  std::vector<double> mix(const Node& node, const std::string& path) {
    std::vector<double> out(groups_.ids.size(), 0.0);
    MapReader m(r_, node, path, "a mix {group: share}");
    if (!m.ok()) return out;
    double sum = 0;
    bool ok = true;
    for (std::size_t i = 0; i < node.keys.size(); ++i) {
      const std::string& g = node.keys[i].scalar;
      m.allow({g});
      const Index gi = groups_.find(g);
      if (gi == kNone) {
        r_.error(node.keys[i], path, "unknown group '" + g + "'" + r_.suggest(g, groups_.ids));
        ok = false;
        continue;
      }
      auto v = r_.number(node.items[i], schema::join(path, g), Bounds::share());
      if (!v) {
        ok = false;
        continue;
      }
      out[static_cast<std::size_t>(gi)] = *v;
      sum += *v;
    }
    if (ok && std::abs(sum - 1.0) > 1e-6)
      r_.error(node, path, "shares must sum to 1 (got " + format_rounded(sum) + ")");
    return out;
  }

  Selector selector(MapReader& m, std::string_view key, bool required = true) {
    Selector s;
    const Node* n = required ? m.required(key, "{faction: id} or {bloc: id}") : m.optional(key);
    if (!n) return s;
    return selector(*n, m.path(key));
  }

  Selector selector(const Node& n, const std::string& path) {
    Selector s;
    MapReader sm(r_, n, path, "{faction: id} or {bloc: id}");
    if (!sm.ok()) return s;
    const Node* f = sm.optional("faction");
    const Node* b = sm.optional("bloc");
    const bool allies = sm.boolean("with_allies", false).value_or(false);
    sm.finish();
    if ((f != nullptr) == (b != nullptr)) {
      r_.error(n, path, "expected exactly one of 'faction' or 'bloc'");
      return s;
    }
    if (f) {
      const Index i = ref(*f, sm.path("faction"), factions_);
      if (i != kNone) s = {factions_.ids[static_cast<std::size_t>(i)], {i}, allies};
    } else {
      const Index i = ref(*b, sm.path("bloc"), blocs_);
      if (i != kNone && static_cast<std::size_t>(i) < spec_.blocs.size())
        s = {blocs_.ids[static_cast<std::size_t>(i)], spec_.blocs[static_cast<std::size_t>(i)].members, allies};
    }
    return s;
  }

  // ---- sections ------------------------------------------------------------------------

  /// The generic meta keys, and the period: start and end dates.
  void read_meta(MapReader& top) {
    std::optional<Date> start, end;
    const Node* end_node = nullptr;
    const auto meta = schema::read_meta(top, "name, start, end, sources", [&](MapReader& m) {
      start = m.date("start");
      end = m.date("end");
      end_node = m.optional("end");
    });
    spec_.name = meta.name;
    spec_.description = meta.description;
    if (start && end) {
      if (*end <= *start) {
        r_.error(*end_node, "meta.end",
                 "must be after meta.start (" + start->to_string() + "), got " + end->to_string());
      } else if (days_between(*start, *end) > 36'600) {
        r_.error(*end_node, "meta.end", "the scenario may span at most 100 years (36600 days)");
      } else {
        spec_.start = *start;
        spec_.end = *end;
        spec_.days = static_cast<Day>(days_between(*start, *end) + 1);
        have_period_ = true;
      }
    }
  }

  /// First pass: the ids of every list that others refer to, so order does not matter.
  void declare_ids(MapReader& top) {
    auto collect = [&](std::string_view key, IdTable& table) {
      const Node* list = top.node().find(key);
      if (!list || !list->is_sequence()) return;
      if (list->items.size() > kMaxEntities) {
        r_.error(*list, std::string(key), "has " + std::to_string(list->items.size()) +
                                              " entries; at most " + std::to_string(kMaxEntities));
        return;
      }
      for (std::size_t i = 0; i < list->items.size(); ++i) {
        const Node* id = list->items[i].is_map() ? list->items[i].find("id") : nullptr;
        const std::string p = std::string(key) + "[" + std::to_string(i) + "].id";
        std::string text = id && id->is_scalar() ? id->scalar : std::string();
        if (id && !text.empty() && table.find(text) != kNone)
          r_.error(*id, p, "duplicate " + table.what + " id '" + text + "'");
        table.ids.push_back(text);  // keep positions aligned even for bad or duplicate ids
      }
    };
    collect("groups", groups_);
    collect("factions", factions_);
    collect("blocs", blocs_);
    collect("nodes", nodes_);
    collect("targets", targets_);
    for (const auto& b : blocs_.ids)
      if (!b.empty() && factions_.find(b) != kNone) {
        const Node* list = top.node().find("blocs");
        r_.error(list ? list->mark : top.node().mark, "blocs",
                 "bloc id '" + b + "' is also a faction id; use distinct ids");
      }
  }

  void read_groups(const Node& list) {
    for_each_item(r_, list, "groups", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a group {id, name}");
      GroupSpec g;
      g.id = m.id("id").value_or("");
      g.name = m.string("name").value_or("");
      cite(m, false);
      m.finish();
      spec_.groups.push_back(std::move(g));
    });
    if (list.is_sequence() && list.items.empty()) r_.error(list, "groups", "expected at least one group");
    if (list.is_sequence() && list.items.size() > kMaxGroups)
      r_.error(list, "groups", "has " + std::to_string(list.items.size()) + " groups; the model supports at most " +
                                   std::to_string(kMaxGroups));
  }

  void read_factions(const Node& list) {
    for_each_item(r_, list, "factions", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a faction");
      FactionSpec f;
      f.id = m.id("id").value_or("");
      f.name = m.string("name").value_or("");
      f.kind = enum_of<FactionKind>(m.choice("kind", kFactionKinds).value_or("insurgent"), kFactionKinds);
      if (const Node* ideo = m.required("ideology", "{separatism: share, sharia: share}")) {
        MapReader im(r_, *ideo, m.path("ideology"));
        f.separatism = im.number("separatism", Bounds::share()).value_or(0);
        f.sharia = im.number("sharia", Bounds::share()).value_or(0);
        im.finish();
      }
      f.goal = enum_of<Goal>(m.choice("goal", kGoals).value_or("none"), kGoals);
      f.treasury_cfa = m.number("treasury_cfa", Bounds::between(0, 1e15)).value_or(0);
      f.external_income_cfa_per_day =
          m.number("external_income_cfa_per_day", Bounds::between(0, 1e13)).value_or(0);
      f.pay_cfa_per_day = m.number("pay_cfa_per_day", Bounds::between(0, 1e9)).value_or(0);
      f.morale = m.number("morale", Bounds::share()).value_or(0);
      f.air_power = m.number("air_power", Bounds::between(0, 1e6), false).value_or(0);
      f.quality = m.number("quality", Bounds::between(0.01, 100), false).value_or(1);
      f.recruits_locally = m.boolean("recruits_locally", false).value_or(f.kind != FactionKind::outside);
      f.bombs = m.boolean("bombs", false).value_or(f.kind == FactionKind::insurgent);
      if (f.bombs && f.kind != FactionKind::insurgent)
        r_.error(*m.optional("bombs"), m.path("bombs"), "only an insurgent faction strikes from refuges; expected false (or no key) for this kind");
      if (auto c = m.string("color", false)) {
        const bool ok = c->size() == 7 && (*c)[0] == '#' &&
                        std::all_of(c->begin() + 1, c->end(), [](unsigned char ch) { return std::isxdigit(ch); });
        if (!ok) r_.error(*m.optional("color"), m.path("color"), "expected a colour '#rrggbb', got '" + *c + "'");
        f.color = *c;
      }
      f.cite = cite(m);
      m.finish();
      spec_.factions.push_back(std::move(f));
    });
    if (list.is_sequence() && list.items.empty()) r_.error(list, "factions", "expected at least one faction");
    if (list.is_sequence() && list.items.size() > 32)
      r_.error(list, "factions", "has " + std::to_string(list.items.size()) +
                                     " factions; the model supports at most 32");
  }

  void read_blocs(const Node& list) {
    for_each_item(r_, list, "blocs", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a bloc {id, name, members}");
      BlocSpec b;
      b.id = m.id("id").value_or("");
      b.name = m.string("name").value_or("");
      if (const Node* mem = m.required("members", "a list of faction ids"))
        b.members = refs(*mem, m.path("members"), factions_, false);
      m.finish();
      spec_.blocs.push_back(std::move(b));
    });
  }

  void read_nodes(const Node& list) {
    for_each_item(r_, list, "nodes", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a node");
      NodeSpec n;
      n.id = m.id("id").value_or("");
      n.name = m.string("name").value_or("");
      n.kind = enum_of<NodeKind>(m.choice("kind", kNodeKinds).value_or("town"), kNodeKinds);
      n.terrain = enum_of<Terrain>(m.choice("terrain", kTerrains).value_or("desert"), kTerrains);
      auto lat = m.number("lat", Bounds::between(-90, 90));
      auto lon = m.number("lon", Bounds::between(-180, 180));
      n.lat = lat.value_or(0);
      n.lon = lon.value_or(0);
      located_.push_back(lat && lon);
      n.population.assign(groups_.ids.size(), 0);
      if (const Node* pop = m.required("population", "people by group {group: count}")) {
        MapReader pm(r_, *pop, m.path("population"), "people by group {group: count}");
        if (pm.ok()) {
          for (std::size_t i = 0; i < pop->keys.size(); ++i) {
            const std::string& g = pop->keys[i].scalar;
            pm.allow({g});
            const Index gi = groups_.find(g);
            if (gi == kNone) {
              r_.error(pop->keys[i], pm.path(), "unknown group '" + g + "'" + r_.suggest(g, groups_.ids));
              continue;
            }
            n.population[static_cast<std::size_t>(gi)] =
                r_.integer(pop->items[i], pm.path(g), 0, kMaxPopulation).value_or(0);
          }
        }
      }
      if (const Node* c = m.required("controller", "a faction id, or none")) {
        if (c->is_scalar() && !c->quoted && c->scalar == "none")
          n.controller = kNone;
        else
          n.controller = ref(*c, m.path("controller"), factions_);
      }
      if (const Node* hq = m.optional("hq_of")) n.hq_of = refs(*hq, m.path("hq_of"), factions_);
      if (const Node* cl = m.optional("claimed_by")) n.claimed_by = refs(*cl, m.path("claimed_by"), factions_);
      n.checkpoints = m.integer("checkpoints", 0, 10'000, false).value_or(0);
      n.cite = cite(m);
      m.finish();
      spec_.nodes.push_back(std::move(n));
    });
    if (list.is_sequence() && list.items.empty()) r_.error(list, "nodes", "expected at least one node");
    if (list.is_sequence() && list.items.size() > kMaxNodes)
      r_.error(list, "nodes", "has " + std::to_string(list.items.size()) + " nodes; the model supports at most " +
                                  std::to_string(kMaxNodes) + " (its route tables hold every pair of nodes)");
  }

  void read_edges(const Node& list) {
    std::map<std::pair<Index, Index>, std::string> seen;
    for_each_item(r_, list, "edges", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "an edge {from, to, km, kind}");
      EdgeSpec e;
      e.from = ref(m, "from", nodes_);
      e.to = ref(m, "to", nodes_);
      auto km = m.number("km", Bounds{0.0, 20'000.0, true, false});
      e.km = km.value_or(0);
      e.kind = enum_of<EdgeKind>(m.choice("kind", kEdgeKinds).value_or("road"), kEdgeKinds);
      e.cite = cite(m);
      m.finish();
      if (e.from != kNone && e.to != kNone) {
        const auto& a = nodes_.ids[static_cast<std::size_t>(e.from)];
        const auto& b = nodes_.ids[static_cast<std::size_t>(e.to)];
        if (e.from == e.to) {
          r_.error(item, p, "an edge from '" + a + "' to itself");
        } else {
          auto key = std::minmax(e.from, e.to);
          if (auto [it, fresh] = seen.emplace(key, p); !fresh)
            r_.error(item, p, "a second edge between '" + a + "' and '" + b + "' (first: " + it->second + ")");
          // Only between nodes whose coordinates were valid: a bad latitude is one error, not two.
          if (km && static_cast<std::size_t>(std::max(e.from, e.to)) < spec_.nodes.size() &&
              located_[static_cast<std::size_t>(e.from)] && located_[static_cast<std::size_t>(e.to)]) {
            const auto& na = spec_.nodes[static_cast<std::size_t>(e.from)];
            const auto& nb = spec_.nodes[static_cast<std::size_t>(e.to)];
            const double straight = great_circle_km(na.lat, na.lon, nb.lat, nb.lon);
            if (*km < straight * 0.98)
              r_.error(*m.optional("km"), m.path("km"),
                       "shorter than the straight line between '" + a + "' and '" + b + "' (" +
                           format_number(std::round(straight)) + " km great-circle; got " +
                           format_number(*km) + ")");
          }
        }
      }
      spec_.edges.push_back(std::move(e));
    });
  }

  /// Every place must be reachable from every other: a fighter, a refugee or an order
  /// cannot go where no road, track or crossing leads. One error per cut-off node, at its
  /// entry of `list` (the `nodes:` list).
  void check_connected(const Node* list) {
    const std::size_t N = spec_.nodes.size();
    if (N < 2 || N > kMaxNodes || N != nodes_.ids.size()) return;
    std::vector<std::vector<std::size_t>> next(N);
    for (const auto& e : spec_.edges) {
      if (e.from == kNone || e.to == kNone) return;  // already an error: no second one here
      next[static_cast<std::size_t>(e.from)].push_back(static_cast<std::size_t>(e.to));
      next[static_cast<std::size_t>(e.to)].push_back(static_cast<std::size_t>(e.from));
    }
    std::vector<bool> reached(N, false);
    std::vector<std::size_t> todo{0};
    reached[0] = true;
    while (!todo.empty()) {
      const std::size_t n = todo.back();
      todo.pop_back();
      for (std::size_t m : next[n])
        if (!reached[m]) {
          reached[m] = true;
          todo.push_back(m);
        }
    }
    for (std::size_t n = 0; n < N && list && n < list->items.size(); ++n)
      if (!reached[n])
        r_.error(list->items[n], "nodes[" + std::to_string(n) + "]",
                 "'" + nodes_.ids[n] + "' cannot be reached from '" + nodes_.ids[0] +
                     "' by any edge: every node must be connected to the others");
  }

  /// The fighters at the start and those interventions bring are all agents in memory at
  /// once: an error at the entry that takes their total past the limit.
  void count_fighters(const Node& item, const std::string& path, std::int64_t fighters) {
    const bool within = fighters_in_all_ <= kMaxFightersInAll;
    fighters_in_all_ += fighters;
    if (within && fighters_in_all_ > kMaxFightersInAll)
      r_.error(item, path, "takes the fighters of the forces and interventions to " + std::to_string(fighters_in_all_) +
                               " in all; the model supports at most " + std::to_string(kMaxFightersInAll));
  }

  void read_communities(const Node& node) {
    MapReader m(r_, node, "communities", "{support: [...], grievance: [...]}");
    if (!m.ok()) return;
    if (const Node* s = m.optional("support")) {
      for_each_item(r_, *s, "communities.support", [&](const Node& item, const std::string& p) {
        MapReader e(r_, item, p, "{group, faction, value, nodes?}");
        SupportSpec sp;
        sp.group = ref(e, "group", groups_);
        sp.faction = ref(e, "faction", factions_);
        sp.value = e.number("value", Bounds::share()).value_or(0);
        if (const Node* ns = e.optional("nodes")) sp.nodes = refs(*ns, e.path("nodes"), nodes_, false);
        cite(e);
        e.finish();
        spec_.support.push_back(std::move(sp));
      });
    }
    if (const Node* g = m.optional("grievance")) {
      for_each_item(r_, *g, "communities.grievance", [&](const Node& item, const std::string& p) {
        MapReader e(r_, item, p, "{group, against, value}");
        GrievanceSpec gs;
        gs.group = ref(e, "group", groups_);
        gs.against = ref(e, "against", groups_);
        gs.value = e.number("value", Bounds::share()).value_or(0);
        cite(e);
        e.finish();
        if (gs.group != kNone && gs.group == gs.against)
          r_.error(item, p, "a group's grievance against itself is not modelled");
        spec_.grievance.push_back(gs);
      });
    }
    m.finish();
    if (const Node* s = node.find("support")) check_support_sums(*s);
  }

  void check_support_sums(const Node& where) {
    // Resolve the entries in order (later ones override) and check per node and group.
    const std::size_t N = spec_.nodes.size(), G = groups_.ids.size(), F = factions_.ids.size();
    if (N == 0 || G == 0 || F == 0) return;
    if (N > kMaxNodes || G > kMaxGroups || F > 32) return;  // already an error; the table would be huge
    std::vector<double> s(N * G * F, 0.0);
    for (const auto& sp : spec_.support) {
      if (sp.group == kNone || sp.faction == kNone) return;
      auto apply = [&](std::size_t n) {
        s[(n * G + static_cast<std::size_t>(sp.group)) * F + static_cast<std::size_t>(sp.faction)] = sp.value;
      };
      if (sp.nodes.empty())
        for (std::size_t n = 0; n < N; ++n) apply(n);
      else
        for (Index n : sp.nodes) apply(static_cast<std::size_t>(n));
    }
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t g = 0; g < G; ++g) {
        double sum = 0;
        for (std::size_t f = 0; f < F; ++f) sum += s[(n * G + g) * F + f];
        if (sum > 1.0 + 1e-9) {
          r_.error(where, "communities.support",
                   "support of group '" + groups_.ids[g] + "' at node '" + nodes_.ids[n] +
                       "' sums to " + format_rounded(sum) + " over factions; at most 1");
          return;
        }
      }
  }

  void read_relations(const Node& list) {
    std::map<std::pair<Index, Index>, std::string> seen;
    for_each_item(r_, list, "relations", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a relation {factions: [a, b], value, state}");
      RelationSpec rel;
      if (const Node* f = m.required("factions", "[a, b]")) {
        auto pair = refs(*f, m.path("factions"), factions_);
        if (f->is_sequence() && f->items.size() != 2)
          r_.error(*f, m.path("factions"), "expected exactly two factions, got " + std::to_string(f->items.size()));
        else if (pair.size() == 2) {
          rel.a = pair[0];
          rel.b = pair[1];
          auto key = std::minmax(rel.a, rel.b);
          if (auto [it, fresh] = seen.emplace(key, p); !fresh)
            r_.error(item, p, "this pair was already given at " + it->second);
        }
      }
      rel.value = m.number("value", Bounds::between(-1, 1)).value_or(0);
      rel.state = enum_of<RelationState>(m.choice("state", kStates).value_or("neutral"), kStates);
      cite(m);
      m.finish();
      spec_.relations.push_back(rel);
    });
  }

  void read_forces(const Node& list) {
    std::vector<std::int64_t> at_node(spec_.nodes.size(), 0);
    std::set<Index> reported;  // one error per node, at the entry that overfills it
    for_each_item(r_, list, "forces", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a force {faction, node, fighters, ethnicity}");
      ForceSpec f;
      f.faction = ref(m, "faction", factions_);
      f.node = ref(m, "node", nodes_);
      f.home = m.optional("home") ? ref(m, "home", nodes_) : f.node;
      f.fighters = m.integer("fighters", 0, kMaxFightersPerEntry).value_or(0);
      if (const Node* e = m.required("ethnicity", "a mix {group: share}")) f.ethnicity = mix(*e, m.path("ethnicity"));
      f.cite = cite(m);
      m.finish();
      count_fighters(item, p, f.fighters);
      if (f.faction != kNone && static_cast<std::size_t>(f.faction) < spec_.factions.size() &&
          spec_.factions[static_cast<std::size_t>(f.faction)].kind == FactionKind::outside)
        r_.error(item, p, "'" + factions_.ids[static_cast<std::size_t>(f.faction)] +
                              "' is an outside faction: its forces enter through an intervention shock");
      if (f.node != kNone && static_cast<std::size_t>(f.node) < at_node.size()) {
        auto& total = at_node[static_cast<std::size_t>(f.node)];
        total += f.fighters;
        const auto& node = spec_.nodes[static_cast<std::size_t>(f.node)];
        const auto pop = node.total_population();
        if (pop > 0 && total > pop && reported.insert(f.node).second)
          r_.error(item, p, "garrisons at '" + node.id + "' total " + std::to_string(total) +
                                " fighters, more than its population of " + std::to_string(pop));
      }
      spec_.forces.push_back(std::move(f));
    });
  }

  void read_shocks(const Node& list) {
    std::set<std::string> ids;
    for_each_item(r_, list, "shocks", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a shock {id, kind, date, ...}");
      if (!m.ok()) return;
      auto id = m.id("id").value_or("");
      if (!id.empty() && !ids.insert(id).second)
        r_.error(*m.optional("id"), m.path("id"), "duplicate shock id '" + id + "'");
      auto kind = m.choice("kind", kShockKinds);
      if (!kind) {
        m.allow({"date", "faction", "entry_node", "fighters", "build_up_days", "ethnicity",
                 "air_power", "objectives", "end", "strength", "factions", "source", "assumption"});
        m.finish();
        return;
      }
      if (*kind == "intervention") {
        InterventionSpec s;
        s.id = id;
        s.day = day(m, "date").value_or(0);
        s.faction = ref(m, "faction", factions_);
        if (s.faction != kNone && static_cast<std::size_t>(s.faction) < spec_.factions.size() &&
            spec_.factions[static_cast<std::size_t>(s.faction)].kind != FactionKind::outside)
          r_.error(*m.optional("faction"), m.path("faction"),
                   "an intervention brings an outside faction (kind: outside); '" +
                       factions_.ids[static_cast<std::size_t>(s.faction)] + "' is not one");
        s.entry_node = ref(m, "entry_node", nodes_);
        s.fighters = m.integer("fighters", 1, kMaxFightersPerEntry).value_or(0);
        s.build_up_days = static_cast<std::int32_t>(m.integer("build_up_days", 0, 3650).value_or(0));
        if (const Node* e = m.required("ethnicity", "a mix {group: share}")) s.ethnicity = mix(*e, m.path("ethnicity"));
        s.air_power = m.number("air_power", Bounds::between(0, 1e6)).value_or(0);
        if (const Node* o = m.required("objectives", "an ordered list of node ids"))
          s.objectives = refs(*o, m.path("objectives"), nodes_, false);
        s.cite = cite(m);
        m.finish();
        count_fighters(item, p, s.fighters);
        spec_.interventions.push_back(std::move(s));
      } else {
        MediationSpec s;
        s.id = id;
        s.day = day(m, "date").value_or(0);
        s.end_day = day(m, "end", false).value_or(spec_.days - 1);
        if (const Node* e = m.optional("end"); e && s.end_day < s.day)
          r_.error(*e, m.path("end"), "the mediation ends before it starts");
        s.strength = m.number("strength", Bounds::share()).value_or(0);
        if (const Node* f = m.optional("factions")) s.factions = refs(*f, m.path("factions"), factions_, false);
        s.cite = cite(m);
        m.finish();
        spec_.mediations.push_back(std::move(s));
      }
    });
  }

  // ---- targets -------------------------------------------------------------------------

  void read_targets(const Node& list) {
    // Clause ids first, so references may point forward.
    std::vector<IdTable> clause_ids(targets_.ids.size());
    if (list.is_sequence())
      for (std::size_t t = 0; t < list.items.size() && t < clause_ids.size(); ++t) {
        const Node* all = list.items[t].is_map() ? list.items[t].find("all") : nullptr;
        if (!all || !all->is_sequence()) continue;
        for (const auto& c : all->items) {
          const Node* id = c.is_map() ? c.find("id") : nullptr;
          clause_ids[t].ids.push_back(id && id->is_scalar() ? id->scalar : std::string());
        }
      }
    for_each_item(r_, list, "targets", [&](const Node& item, const std::string& p) {
      MapReader m(r_, item, p, "a target {id, description, source, all: [...]}");
      TargetSpec t;
      t.id = m.id("id").value_or("");
      t.description = m.string("description").value_or("");
      t.sources = m.strings("source");
      if (t.sources.empty() && m.ok())
        r_.error(item, p, "missing required key 'source' (the seed fact ids the target rests on)");
      if (const Node* all = m.required("all", "a list of clauses, all of which must hold")) {
        for_each_item(r_, *all, m.path("all"), [&](const Node& c, const std::string& cp) {
          t.clauses.push_back(read_clause(c, cp, clause_ids));
        });
        if (all->is_sequence() && all->items.empty()) r_.error(*all, m.path("all"), "expected at least one clause");
      }
      m.finish();
      spec_.targets.push_back(std::move(t));
    });
  }

  ClauseRef clause_ref(const Node& node, const std::string& path,
                       const std::vector<IdTable>& clause_ids) {
    ClauseRef out;
    auto text = r_.string(node, path);
    if (!text) return out;
    out.text = *text;
    const auto dot = text->find('.');
    if (dot == std::string::npos) {
      r_.error(node, path, "expected TARGET.CLAUSE (e.g. T1.gao_falls), got '" + *text + "'");
      return out;
    }
    const std::string t = text->substr(0, dot), c = text->substr(dot + 1);
    out.target = targets_.find(t);
    if (out.target == kNone) {
      r_.error(node, path, "unknown target '" + t + "'" + r_.suggest(t, targets_.ids));
      return out;
    }
    const auto& ids = clause_ids[static_cast<std::size_t>(out.target)];
    out.clause = c.empty() ? kNone : ids.find(c);
    if (out.clause == kNone)
      r_.error(node, path, "target '" + t + "' has no clause '" + c + "'" + r_.suggest(c, ids.ids));
    return out;
  }

  ClauseSpec read_clause(const Node& node, const std::string& p, const std::vector<IdTable>& clause_ids) {
    MapReader m(r_, node, p, "a clause {kind, ...}");
    ClauseSpec c;
    if (!m.ok()) return c;
    c.id = m.id("id", false).value_or("");
    auto kind = m.choice("kind", kClauseKinds);
    if (!kind) {
      m.allow({"node", "nodes", "faction", "factions", "from", "to", "window", "battle_within_days",
               "after", "no_battle", "date", "attacker", "defender", "on_approach",
               "fails_within_days", "cohort_until", "by", "range", "from_goal", "to_goal", "state",
               "min_days", "holder", "held_on", "not_held_on", "min_fraction", "event_types",
               "actor", "victim", "between", "groups", "victim_groups", "within_km", "min_count",
               "fatalities", "dead", "of", "side"});
      m.finish();
      return c;
    }
    c.kind = enum_of<ClauseKind>(*kind, kClauseKinds);
    auto days_opt = [&](std::string_view key) -> std::optional<std::int32_t> {
      auto v = m.integer(key, 0, 3650, false);
      return v ? std::optional<std::int32_t>(static_cast<std::int32_t>(*v)) : std::nullopt;
    };
    switch (c.kind) {
      case ClauseKind::control_change:
        c.node = ref(m, "node", nodes_);
        c.from = selector(m, "from", false);
        c.to = selector(m, "to");
        window(m, "window", c.window_start, c.window_end);
        c.battle_within_days = days_opt("battle_within_days");
        break;
      case ClauseKind::evacuation: {
        c.node = ref(m, "node", nodes_);
        c.faction = ref(m, "faction", factions_);
        if (const Node* a = m.required("after", "{clause, min_days, max_days}")) {
          MapReader am(r_, *a, m.path("after"), "{clause, min_days, max_days}");
          if (const Node* cl = am.required("clause", "TARGET.CLAUSE")) c.ref = clause_ref(*cl, am.path("clause"), clause_ids);
          c.ref_min_days = static_cast<std::int32_t>(am.integer("min_days", 0, 3650).value_or(0));
          c.ref_max_days = static_cast<std::int32_t>(am.integer("max_days", 0, 3650).value_or(0));
          if (c.ref_max_days < c.ref_min_days)
            r_.error(*a, m.path("after"), "max_days must be >= min_days");
          am.finish();
        }
        c.no_battle = m.boolean("no_battle", false).value_or(false);
        break;
      }
      case ClauseKind::holds_none:
        c.faction = ref(m, "faction", factions_);
        if (const Node* n = m.required("nodes", "a list of node ids")) c.nodes = refs(*n, m.path("nodes"), nodes_, false);
        c.date = day(m, "date").value_or(0);
        break;
      case ClauseKind::attack:
        c.attacker = selector(m, "attacker");
        c.defender = selector(m, "defender");
        c.node = ref(m, "node", nodes_);
        c.on_approach = m.boolean("on_approach", false).value_or(false);
        window(m, "window", c.window_start, c.window_end);
        c.fails_within_days = days_opt("fails_within_days");
        break;
      case ClauseKind::defection_share:
        c.faction = ref(m, "from", factions_);
        c.to = selector(m, "to");
        c.date = day(m, "cohort_until").value_or(0);
        c.date2 = day(m, "by").value_or(0);
        c.has_range = range(m, "range", Bounds::share(), c.range_lo, c.range_hi);
        break;
      case ClauseKind::goal_shift:
        c.faction = ref(m, "faction", factions_);
        c.from_goal = enum_of<Goal>(m.choice("from_goal", kGoals).value_or("none"), kGoals);
        c.to_goal = enum_of<Goal>(m.choice("to_goal", kGoals).value_or("none"), kGoals);
        window(m, "window", c.window_start, c.window_end);
        break;
      case ClauseKind::relation_state: {
        if (const Node* f = m.required("factions", "[a, b]")) {
          auto pair = refs(*f, m.path("factions"), factions_);
          if (f->is_sequence() && f->items.size() != 2)
            r_.error(*f, m.path("factions"), "expected exactly two factions");
          else if (pair.size() == 2)
            c.pair = {pair[0], pair[1]};
        }
        c.state = enum_of<RelationState>(m.choice("state", kNegotiationStates).value_or("talks"), kStates);
        window(m, "window", c.window_start, c.window_end);
        c.min_days = days_opt("min_days");
        break;
      }
      case ClauseKind::lost_control:
        c.holder = selector(m, "holder");
        if (const Node* n = m.required("nodes", "a list of node ids")) c.nodes = refs(*n, m.path("nodes"), nodes_, false);
        c.date = day(m, "held_on").value_or(0);
        c.date2 = day(m, "not_held_on").value_or(0);
        break;
      case ClauseKind::held_fraction:
        c.holder = selector(m, "holder");
        c.node = ref(m, "node", nodes_);
        window(m, "window", c.window_start, c.window_end);
        c.min_fraction = m.number("min_fraction", Bounds::share()).value_or(0);
        break;
      case ClauseKind::event_count: {
        if (const Node* et = m.required("event_types", "a list of event types")) {
          for_each_item(r_, *et, m.path("event_types"), [&](const Node& e, const std::string& ep) {
            if (auto t = r_.choice(e, ep, kEventTypes)) c.event_types.push_back(*t);
          });
        }
        c.actor = selector(m, "actor", false);
        c.victim = selector(m, "victim", false);
        if (const Node* b = m.optional("between")) {
          const std::string bp = m.path("between");
          if (!b->is_sequence() || b->items.size() != 2)
            r_.error(*b, bp, "expected [selector, selector], the two sides");
          else
            c.between = {selector(b->items[0], bp + "[0]"), selector(b->items[1], bp + "[1]")};
          if (m.optional("actor") || m.optional("victim"))
            r_.error(*b, bp, "give either 'between' (either way round) or 'actor'/'victim', not both");
        }
        if (const Node* g = m.optional("groups")) c.groups = refs(*g, m.path("groups"), groups_, false);
        if (const Node* g = m.optional("victim_groups"))
          c.victim_groups = refs(*g, m.path("victim_groups"), groups_, false);
        c.node = m.optional("node") ? ref(m, "node", nodes_) : kNone;
        c.within_km = m.number("within_km", Bounds::between(0, 20'000), false).value_or(0);
        window(m, "window", c.window_start, c.window_end);
        c.min_count = m.integer("min_count", 1, 1'000'000).value_or(1);
        c.has_range = range(m, "fatalities", Bounds::at_least(0), c.range_lo, c.range_hi, false);
        if (const Node* dd = m.optional("dead")) {
          MapReader dm(r_, *dd, m.path("dead"), "{side: selector, range: [low, high]}");
          c.side = selector(dm, "side");
          c.has_dead = range(dm, "range", Bounds::at_least(0), c.dead_lo, c.dead_hi);
          dm.finish();
        }
        break;
      }
      case ClauseKind::battle_casualties:
        if (const Node* o = m.required("of", "TARGET.CLAUSE")) c.ref = clause_ref(*o, m.path("of"), clause_ids);
        c.side = selector(m, "side");
        c.has_range = range(m, "range", Bounds::at_least(0), c.range_lo, c.range_hi);
        break;
    }
    m.finish();
    return c;
  }

  Reader& r_;
  ScenarioSpec spec_;
  bool have_period_ = false;
  std::int64_t fighters_in_all_ = 0;  // forces and interventions read so far
  std::vector<bool> located_;  // per node: lat and lon were valid
  IdTable groups_{"group", {}}, factions_{"faction", {}}, blocs_{"bloc", {}}, nodes_{"node", {}},
      targets_{"target", {}};
};

}  // namespace

ScenarioSpec read_spec(const Document& document) {
  return schema::read_document(document,
                               [](MapReader& top) { return SpecReader(top.reader()).read(top); });
}

}  // namespace azsim::azawad
