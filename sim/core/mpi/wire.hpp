#pragma once
/// @file
/// @brief How a run's summary and a job travel between the processes of an MPI job: the
/// plain binary encoding of core/io/binary.hpp. Doubles travel as their bits, so a summary
/// decoded on rank 0 is exactly the one the worker made.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/io/binary.hpp"
#include "core/run/batch.hpp"
#include "core/run/summary.hpp"

namespace azsim::cluster {

void encode(io::BinaryWriter& out, const RunSummary& summary);
[[nodiscard]] RunSummary decode_summary(io::BinaryReader& in);

void encode(io::BinaryWriter& out, const BatchJob& job);
[[nodiscard]] BatchJob decode_job(io::BinaryReader& in);

}  // namespace azsim::cluster
