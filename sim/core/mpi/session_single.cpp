// The cluster layer in a build without MPI: a job of one process.
#include <stdexcept>

#include "core/mpi/detail.hpp"

namespace azsim::cluster {

bool built_with_mpi() noexcept { return false; }
int rank() noexcept { return 0; }
int size() noexcept { return 1; }

Session::Session(int& argc, char**& argv) {
  (void)argc;
  (void)argv;
}
Session::~Session() = default;
int Session::serve(const ModelRegistry& registry) const {
  (void)registry;
  return 0;
}

namespace detail {
void coordinate(const LoadedScenario&, const std::vector<BatchJob>&, const std::vector<std::size_t>&, const JobsOptions&,
                const exec::Executor&, const Deliver&, const std::function<bool()>&, const std::function<void()>&) {
  throw std::logic_error("cluster::coordinate: this azsim was built without MPI");
}
}  // namespace detail

}  // namespace azsim::cluster
