// Phase 11, record: what the outputs and the scoring of targets need from the day.

#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void record_day(World& w) {
  DailyRecord r;
  r.holders = w.nodes.holders;
  r.control = w.nodes.control;
  r.flag = w.nodes.flag;
  r.present = w.nodes.garrison;
  r.travelling = w.nodes.inbound;
  r.wounded = w.nodes.wounded;
  r.killed = w.today_killed;
  r.wounded_today = w.today_wounded;
  r.civilians = w.today_civilians;
  w.history.push_back(std::move(r));
}

}  // namespace azsim::azawad
