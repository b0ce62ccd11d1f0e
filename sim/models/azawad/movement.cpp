// Phase 5, movement: fighters travel along the graph one edge at a time; crossing an edge
// takes ceil(km / speed) days (road or track speed), at least one. A fighter with an order
// (target) sets off along the shortest path toward it; on arrival the order is complete.

#include <algorithm>
#include <array>
#include <memory>

#include "core/exec/executor.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

namespace {

constexpr std::size_t kMoverGrain = 1u << 12;  // movers per chunk: fixed, whatever the threads

/// One fighter's day on the road (the rule itself, shared by both paths below). Returns what
/// happened to him: whether he arrived somewhere, set off, or still has an order or a road.
struct Moved {
  bool arrived = false, departed = false, pending = false;
  Index from = kNone;  ///< where he stood (arrival: where he came from)
};

inline Moved move_one(const World& w, Day today, std::size_t i, Status s, std::int16_t* location, std::int16_t* next,
                      std::int16_t* target, std::int32_t* arrive_day) {
  Moved m;
  const std::int16_t tg = target[i];
  if (next[i] != kNone) {
    if (arrive_day[i] > today) {
      m.pending = true;
      return m;
    }
    m.from = location[i];
    m.arrived = true;
    location[i] = next[i];
    next[i] = static_cast<std::int16_t>(kNone);
  }
  if (tg == kNone) return m;
  if (tg == location[i]) {
    target[i] = static_cast<std::int16_t>(kNone);
    return m;
  }
  m.pending = true;
  if (s != Status::active) return m;  // the wounded wait where they are
  const Index hop = next_hop(w, location[i], tg);
  if (hop == kNone) {  // unreachable: the order lapses
    target[i] = static_cast<std::int16_t>(kNone);
    m.pending = false;
    return m;
  }
  next[i] = static_cast<std::int16_t>(hop);
  arrive_day[i] = today + edge_days(w, location[i], hop);
  m.departed = true;
  return m;
}

/// What movement does to a fighter, as a function of what the members of a column share
/// (move_one()'s rule, without touching him): the chunk loop of move_fighters() applies it to
/// each member of a run of movers alike.
struct Rule {
  std::uint8_t what = 0;   ///< 0: nothing to do; else kArrived | kDeparted | kPending | kClears | kActive
  std::int16_t at = 0;     ///< where he is after today's arrival (his place if none)
  std::int16_t next = 0;   ///< his road after today: the next node if he set off, else kNone
  std::int32_t arrive = 0; ///< the day he reaches `next` (if he set off)
  static constexpr std::uint8_t kArrived = 1, kDeparted = 2, kPending = 4, kClears = 8, kActive = 16;
  [[nodiscard]] bool arrived() const noexcept { return what & kArrived; }
  [[nodiscard]] bool departed() const noexcept { return what & kDeparted; }
  [[nodiscard]] bool pending() const noexcept { return what & kPending; }
  [[nodiscard]] bool clears() const noexcept { return what & kClears; }
  [[nodiscard]] bool active() const noexcept { return what & kActive; }
};

/// The rule for a fighter of status s at `at` on the road to nx (kNone: none), reaching it
/// today when `arriving`, with order tg (kNone: none); hops and days are the rows of next_hop
/// and edge_days of the node he stands at after arriving.
inline Rule decide_move(Status s, bool arriving, std::int16_t at, std::int16_t nx, std::int16_t tg, Day today,
                        const Index* hops, const std::int32_t* days) {
  Rule r;
  r.at = at;
  r.next = static_cast<std::int16_t>(kNone);
  if (!Fighters::living(s)) return r;
  std::uint8_t what = s == Status::active ? Rule::kActive : 0;
  if (nx != kNone) {
    if (!arriving) return r;  // still on the road
    what |= Rule::kArrived;
    r.at = nx;
  } else if (tg == kNone) {
    return r;  // at rest
  }
  if (tg != kNone) {
    if (tg == r.at) {
      what |= Rule::kClears;  // the order is done
    } else if (s != Status::active) {
      what |= Rule::kPending;  // the wounded wait where they are
    } else if (const Index hop = hops[static_cast<std::size_t>(tg)]; hop == kNone) {
      what |= Rule::kClears;  // unreachable: the order lapses
    } else {
      what |= Rule::kDeparted;
      r.next = static_cast<std::int16_t>(hop);
      r.arrive = today + days[static_cast<std::size_t>(hop)];
    }
  }
  r.what = what;
  return r;
}

}  // namespace

void move_fighters(World& w, const exec::Executor& ex) {
  auto& fi = w.fighters;
  const Day today = w.day;
  // On a day on which many move, the parallel full pass (which also rebuilds the roster in
  // index order) is faster than the visit of the movers. The choice depends on the state
  // alone, never on the threads, since the roster's order depends on which path kept it.
  const std::size_t arriving = static_cast<std::size_t>(today) < w.arrivals.size()
                              ? w.arrivals[static_cast<std::size_t>(today)].size() : 0;
  const bool busy = (w.ordered.size() + arriving) * 2 > fi.live;
  if (compaction_due(w) || busy) {
    // The retired are compacted today: every fighter is visited, recounted and rostered anew.
    // Each fighter writes only its own entries: the chunks are independent.
    sweep(w, ex, [&](std::size_t b, std::size_t e) {
      // Raw pointers, so that the stores do not make the compiler reload the arrays' addresses.
      const Status* const status = fi.status.data();
      std::int16_t* const location = fi.location.data();
      std::int16_t* const next = fi.next.data();
      std::int16_t* const target = fi.target.data();
      std::int32_t* const arrive_day = fi.arrive_day.data();
      for (std::size_t i = b; i < e; ++i) {
        if (next[i] == kNone && target[i] == kNone) continue;  // at rest: nothing to do
        const Status s = status[i];
        if (!Fighters::living(s)) continue;
        (void)move_one(w, today, i, s, location, next, target, arrive_day);
      }
    });
    return;
  }
  // Otherwise only the fighters due to arrive today and those with an order not under way are
  // visited (the rest are at rest or on the road), and the counts the phases keep move with
  // them; the roster is then refreshed from the changes.
  // Each once (a fighter may be listed twice, in either list): the first listing is kept, the
  // orders before the arrivals. Whether he is still due (listed but no longer moving, or still
  // on the road) is checked in the chunks below.
  if (w.mark.size() < fi.live) w.mark.resize(fi.live, 0);
  std::unique_ptr<std::uint32_t[]> todo;  // the movers, [0, due): uninitialised beyond
  std::size_t due = 0;
  {
    std::vector<std::uint32_t> none;
    std::vector<std::uint32_t>& due_today =
        static_cast<std::size_t>(today) < w.arrivals.size() ? w.arrivals[static_cast<std::size_t>(today)] : none;
    todo.reset(new std::uint32_t[w.ordered.size() + due_today.size() + 1]);
    std::uint8_t* const seen = w.mark.data();
    std::uint32_t* const out = todo.get();
    for (const std::vector<std::uint32_t>* list : {&w.ordered, &due_today})
      for (const std::uint32_t i : *list) {
        out[due] = i;
        due += seen[i] == 0;
        seen[i] = 1;
      }
    // The marks are cleared by the chunks below, each its own movers'.
    w.ordered.clear();
    std::vector<std::uint32_t>().swap(due_today);
  }

  // The movers in fixed chunks (in parallel when several threads): each moves only his own
  // entries, and notes what changed (count deltas, roster and order notes) in his chunk's
  // part; the parts are then applied in chunk order, as one serial visit would.
  const std::size_t F = static_cast<std::size_t>(w.F), G = static_cast<std::size_t>(w.G);
  const std::size_t NF = static_cast<std::size_t>(w.N) * F;
  const std::size_t width = 3 * NF + static_cast<std::size_t>(w.N) * G;  // garrison, inbound, wounded, armed
  struct Part {
    std::vector<std::int64_t> delta;
    // The chunk's notes, in buffers sized for its every mover (uninitialised: filled up to
    // the counts below).
    std::unique_ptr<std::uint64_t[]> left;
    std::unique_ptr<std::uint32_t[]> joined, waiting, set_off;
    std::size_t n_left = 0, n_joined = 0, n_waiting = 0, n_set_off = 0;
    /// The runs of set_off that reach their next node on one day: (first, count, day).
    std::vector<std::array<std::size_t, 3>> arrive_on;
  };
  const std::size_t chunks = (due + kMoverGrain - 1) / kMoverGrain;
  std::vector<Part> parts(chunks);
  ex.for_chunks(due, kMoverGrain, [&](std::size_t b, std::size_t e) {
    // Everything the loop reads held in locals, and the notes written through raw pointers
    // into lists sized for the worst case: the stores below could otherwise make the compiler
    // reload each captured pointer and each list's end for every fighter. The rule is
    // move_one()'s, written out for the fighters listed (all living ones were due today).
    const std::uint32_t* const movers = todo.get();
    const Status* const status = fi.status.data();
    const std::int16_t* const faction = fi.faction.data();
    const std::int8_t* const group = fi.group.data();
    std::int16_t* const location = fi.location.data();
    std::int16_t* const next = fi.next.data();
    std::int16_t* const target = fi.target.data();
    std::int32_t* const arrive_day = fi.arrive_day.data();
    const Index* const hop_to = w.next_hop.data();
    const std::int32_t* const days_to = w.edge_days.data();
    const auto N = static_cast<std::size_t>(w.N);
    const std::size_t nf = F, ng = G;
    const Day day = today;
    Part& part = parts[b / kMoverGrain];
    part.delta.assign(width, 0);
    std::int64_t* const garrison = part.delta.data();
    std::int64_t* const inbound = garrison + NF;
    std::int64_t* const wounded = inbound + NF;
    std::int64_t* const armed = wounded + NF;
    part.left.reset(new std::uint64_t[e - b]);
    part.joined.reset(new std::uint32_t[e - b]);
    part.waiting.reset(new std::uint32_t[e - b]);
    part.set_off.reset(new std::uint32_t[e - b]);
    std::uint64_t* const left = part.left.get();
    std::uint32_t* const joined = part.joined.get();
    std::uint32_t* const waiting = part.waiting.get();
    std::uint32_t* const set_off = part.set_off.get();
    std::size_t n_left = 0, n_joined = 0, n_waiting = 0, n_set_off = 0;
    std::uint8_t* const seen = w.mark.data();
    // The rule's outcome depends only on what the members of a column share (status, place,
    // road, order, and whether today is the day of arrival), and a column's members are listed
    // one after another: the outcome is worked out for the first of a run of movers alike (who
    // also share their faction), applied to each member, and the counts the run moves are added
    // once. Integer sums: the same counts as one fighter at a time.
    std::size_t k = b;
    while (k < e) {
      const std::uint32_t first = movers[k];
      const Status s = status[first];
      const std::int16_t at = location[first], nx = next[first], tg = target[first], fa = faction[first];
      const bool reaching = nx != kNone && arrive_day[first] <= day;
      // The run: the movers after him alike (compared field by field, the likeliest to differ
      // first).
      std::size_t end = k + 1;
      for (; end < e; ++end) {
        const std::uint32_t i = movers[end];
        if (next[i] != nx || location[i] != at || target[i] != tg || faction[i] != fa || status[i] != s ||
            (nx != kNone && (arrive_day[i] <= day) != reaching))
          break;
      }
      const auto stand = static_cast<std::size_t>(reaching ? nx : at);
      const Rule rule = decide_move(s, reaching, at, nx, tg, day, hop_to + stand * N, days_to + stand * N);
      const auto f = static_cast<std::size_t>(fa);
      const auto from = static_cast<std::size_t>(at), here = static_cast<std::size_t>(rule.at);
      const auto run = static_cast<std::int64_t>(end - k);
      const std::int16_t road = rule.next;
      if (rule.what == 0) {  // dead, at rest, or still on the road (listed for later)
        for (; k < end; ++k) seen[movers[k]] = 0;
        continue;
      }
      if (rule.arrived() && rule.departed()) {
        // Through a node on his way (only the active set off): he never stands there, so the
        // roster does not hear of him; only the counts move with him.
        inbound[here * nf + f] -= run;
        inbound[static_cast<std::size_t>(road) * nf + f] += run;
        for (; k < end; ++k) {
          const std::uint32_t i = movers[k];
          seen[i] = 0;
          location[i] = rule.at;
          next[i] = road;
          arrive_day[i] = rule.arrive;
          const auto g = static_cast<std::size_t>(group[i]);
          --armed[from * ng + g];
          ++armed[here * ng + g];
          set_off[n_set_off++] = i;
        }
        part.arrive_on.push_back({n_set_off - static_cast<std::size_t>(run), static_cast<std::size_t>(run),
                                  static_cast<std::size_t>(rule.arrive)});
        continue;
      }
      if (rule.departed()) {  // from where he stood
        garrison[here * nf + f] -= run;
        inbound[static_cast<std::size_t>(road) * nf + f] += run;
        const std::uint64_t bucket = static_cast<std::uint64_t>(here * nf + f) << 32;
        for (; k < end; ++k) {
          const std::uint32_t i = movers[k];
          seen[i] = 0;
          next[i] = road;
          arrive_day[i] = rule.arrive;
          left[n_left++] = bucket | i;
          set_off[n_set_off++] = i;
        }
        part.arrive_on.push_back({n_set_off - static_cast<std::size_t>(run), static_cast<std::size_t>(run),
                                  static_cast<std::size_t>(rule.arrive)});
        continue;
      }
      if (rule.arrived()) {
        if (rule.active()) {
          inbound[here * nf + f] -= run;
          garrison[here * nf + f] += run;
        } else {
          wounded[from * nf + f] -= run;
          wounded[here * nf + f] += run;
        }
      }
      for (; k < end; ++k) {
        const std::uint32_t i = movers[k];
        seen[i] = 0;
        if (rule.clears()) target[i] = static_cast<std::int16_t>(kNone);
        if (rule.arrived()) {
          location[i] = rule.at;
          next[i] = road;
          if (rule.active()) {
            const auto g = static_cast<std::size_t>(group[i]);
            --armed[from * ng + g];
            ++armed[here * ng + g];
          }
          joined[n_joined++] = i;
        }
        if (rule.pending()) waiting[n_waiting++] = i;  // the wounded wait for their recovery where they are
      }
    }
    part.n_left = n_left;
    part.n_joined = n_joined;
    part.n_waiting = n_waiting;
    part.n_set_off = n_set_off;
  });
  for (Part& part : parts) {
    for (std::size_t k = 0; k < NF; ++k) {
      w.nodes.garrison[k] += part.delta[k];
      w.nodes.inbound[k] += part.delta[NF + k];
      w.nodes.wounded[k] += part.delta[2 * NF + k];
    }
    for (std::size_t k = 0; k < static_cast<std::size_t>(w.N) * G; ++k) w.armed_now[k] += part.delta[3 * NF + k];
    w.roster_remove.insert(w.roster_remove.end(), part.left.get(), part.left.get() + part.n_left);
    w.roster_add.insert(w.roster_add.end(), part.joined.get(), part.joined.get() + part.n_joined);
    w.ordered.insert(w.ordered.end(), part.waiting.get(), part.waiting.get() + part.n_waiting);
    // Listed by arrival day, in the order a serial visit would list them: a run at a time
    // (its members share the day).
    for (const auto& [first, count, on] : part.arrive_on) {
      if (w.arrivals.size() <= on) w.arrivals.resize(on + 1);
      w.arrivals[on].insert(w.arrivals[on].end(), part.set_off.get() + first, part.set_off.get() + first + count);
    }
  }
  refresh_roster(w, ex);
}

}  // namespace azsim::azawad
