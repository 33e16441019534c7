// Drives the cube (rtl/cube/cube.sv) through its ports: turns GEMM tiles into k-step beats
// (column k of A, row k of B) and collects output rows back into C tiles. Used by the cube
// tests, the cube benchmark and the CLI, with stall injection on both streams.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <sstream>
#include <vector>

#include "sw/model/gemm.h"
#include "tb/agents/stream.h"
#include "tb/bits.h"
#include "tb/random.h"
#include "tb/sim.h"

namespace luoshu::tb {

template <class Model, int Dim>
class CubeAgent {
 public:
  static constexpr int kInW = 8, kAccW = 32;
  struct Beat {
    std::array<int8_t, Dim> a;  // A[i][k], i = 0..Dim-1
    std::array<int8_t, Dim> b;  // B[k][j], j = 0..Dim-1
    bool last;
  };
  struct Row {
    std::array<int32_t, Dim> c;
    bool last;
  };

  CubeAgent(Simulation<Model>* sim, Rng* rng, double in_stall = 0, double out_stall = 0)
      : sim_(sim),
        source_(sim,
                {[this](bool v) { dut().in_valid_i = v; },
                 [this](const Beat& beat) { DriveBeat(beat); },
                 [this] { return dut().in_ready_o != 0; }},
                StallInjector(in_stall, rng)),
        sink_(sim,
              {[this](bool r) { dut().out_ready_i = r; }, [this] { return dut().out_valid_o != 0; },
               [this] { return ReadRow(); }},
              StallInjector(out_stall, rng)) {
    sample_hook_ = sim->OnSample([this] {
      if (dut().in_valid_i && dut().in_ready_o && !sim_->in_reset()) {
        if (beats_accepted_++ == 0) first_accept_ = sim_->cycle();
      }
    });
  }

  // Queues k beats of one K-block: A is Dim x k (lda), B is k x Dim (ldb). `last` ends the
  // output tile; without it the next block keeps accumulating into the same C tile.
  void PushBlock(const int8_t* a, int lda, const int8_t* b, int ldb, int k, bool last = true) {
    for (int kk = 0; kk < k; ++kk) {
      Beat beat{};
      for (int i = 0; i < Dim; ++i) beat.a[i] = a[static_cast<size_t>(i) * lda + kk];
      for (int j = 0; j < Dim; ++j) beat.b[j] = b[static_cast<size_t>(kk) * ldb + j];
      beat.last = last && kk == k - 1;
      source_.Push(beat);
    }
    if (last) ++tiles_pushed_;
  }
  void PushTile(const Matrix<int8_t>& a, const Matrix<int8_t>& b) {
    PushBlock(a.data(), a.cols(), b.data(), b.cols(), a.cols(), true);
  }

  // Runs until every pushed tile has come out; throws WatchdogError after max_cycles.
  // Returns the C tiles in order. Throws std::runtime_error if out_last framing is wrong.
  std::vector<Matrix<int32_t>> Drain(uint64_t max_cycles) {
    const size_t want_rows = static_cast<size_t>(tiles_pushed_ - tiles_drained_) * Dim;
    sim_->RunUntil([&] { return sink_.received().size() >= want_rows; }, max_cycles,
                   "cube output: " + std::to_string(want_rows) + " rows");
    std::vector<Matrix<int32_t>> tiles;
    while (sink_.received().size() >= static_cast<size_t>(Dim)) {
      Matrix<int32_t> c(Dim, Dim);
      for (int r = 0; r < Dim; ++r) {
        const Row row = sink_.received().front();
        sink_.received().pop_front();
        if (row.last != (r == Dim - 1)) {
          std::ostringstream msg;
          msg << "cube framing: tile " << tiles_drained_ << " row " << r
              << " has out_last_o=" << row.last;
          throw std::runtime_error(msg.str());
        }
        for (int j = 0; j < Dim; ++j) c.at(r, j) = row.c[j];
      }
      tiles.push_back(std::move(c));
      ++tiles_drained_;
    }
    return tiles;
  }

  uint64_t first_accept_cycle() const { return first_accept_; }
  uint64_t last_output_cycle() const { return sink_.last_cycle(); }
  size_t rows_pending() const { return sink_.received().size(); }

 private:
  Model& dut() { return sim_->dut(); }
  void DriveBeat(const Beat& beat) {
    PutBytes(dut().in_a_i, beat.a.data(), Dim);
    PutBytes(dut().in_b_i, beat.b.data(), Dim);
    dut().in_last_i = beat.last;
  }
  Row ReadRow() {
    Row row{};
    GetBytes(dut().out_row_o, row.c.data(), sizeof(int32_t) * Dim);
    row.last = dut().out_last_o != 0;
    return row;
  }

  Simulation<Model>* sim_;
  HookHandle drive_hook_, sample_hook_;  // removed with this object
  StreamSource<Beat> source_;
  StreamSink<Row> sink_;
  uint64_t beats_accepted_ = 0, first_accept_ = 0;
  int tiles_pushed_ = 0, tiles_drained_ = 0;
};

}  // namespace luoshu::tb
