#include "core/run/outcomes.hpp"

#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"

namespace azsim {

void write_outcomes_csv(const std::filesystem::path& path, std::span<const Outcome> outcomes) {
  io::AtomicFile f(path);
  io::CsvWriter csv(f.stream(), {"name", "value", "unit"});
  for (const Outcome& o : outcomes) {
    csv << o.name;
    if (o.value)
      csv << *o.value;
    else
      csv << "NA";
    csv << o.unit;
    csv.end_row();
  }
  f.commit();
}

}  // namespace azsim
