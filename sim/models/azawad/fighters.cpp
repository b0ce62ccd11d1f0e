// Phase 9, fighters decide. Built here: the wounded return to duty. (The politics issue adds
// defection, desertion and recruitment to this phase.)

#include "core/exec/executor.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void fighters_decide(World& w, const exec::Executor& ex) {
  auto& fi = w.fighters;
  const Day today = w.day;
  ex.for_chunks(fi.size(), 1u << 14, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i)
      if (fi.status[i] == Status::wounded && fi.recover_day[i] <= today) fi.status[i] = Status::active;
  });
  tally(w, ex);
}

}  // namespace azsim::azawad
