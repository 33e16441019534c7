// One cube PE, every int8 x int8 operand pair: its product (the logic product of LutMul PEs
// as well as `*`) is the exact int32 product, and it appears exactly PipeMul + 1 clock edges
// after its operands (operand registers, product registers, result register).
#include <gtest/gtest.h>

#include <cstdint>
#include <type_traits>
#include <utility>

#include "Vcube_pe_lutmul.h"
#include "Vcube_pe_lutmul_params.h"
#include "Vcube_pe_lutmul_pipe2.h"
#include "Vcube_pe_lutmul_pipe2_params.h"
#include "Vcube_pe_lutmul_pipe3.h"
#include "Vcube_pe_lutmul_pipe3_params.h"
#include "Vcube_pe_pipe2.h"
#include "Vcube_pe_pipe2_params.h"
#include "Vcube_pe_pipe3.h"
#include "Vcube_pe_pipe3_params.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

template <class P, class = void>
struct PipeMulOf : std::integral_constant<int, 0> {};
template <class P>
struct PipeMulOf<P, std::void_t<decltype(P::PipeMul)>>
    : std::integral_constant<int, static_cast<int>(P::PipeMul)> {};

template <class M>
class CubePeTest : public ::testing::Test {};
using Models = ::testing::Types<Vcube_pe_lutmul, Vcube_pe_lutmul_pipe2, Vcube_pe_pipe2,
                                Vcube_pe_lutmul_pipe3, Vcube_pe_pipe3>;
TYPED_TEST_SUITE(CubePeTest, Models);

// Every step is a whole tile of K = 1 (valid and last held high), so each result register
// value is one product: step n's operands come out after PipeMul + 1 edges.
TYPED_TEST(CubePeTest, EveryOperandPairGivesTheExactProductAfterPipeMulPlusOneEdges) {
  constexpr int kLatency = PipeMulOf<VerilatedParams<TypeParam>>::value + 1;
  tb::Simulation<TypeParam> sim(tb::CurrentTestName(), "cube_pe");
  auto& d = sim.dut();
  d.en_i = 1;
  d.valid_i = 1;
  d.last_i = 1;
  sim.Reset();
  auto operands = [](int n) { return std::pair<int8_t, int8_t>(int8_t(n & 0xFF), int8_t(n >> 8)); };
  int mismatches = 0;
  for (int n = 0; n < 65536 + kLatency; ++n) {
    const auto [a, b] = operands(n & 0xFFFF);
    d.a_i = uint8_t(a);
    d.b_i = uint8_t(b);
    sim.Step();
    const int done = n + 1 - kLatency;  // the step whose result the register now holds
    if (done < 0) continue;
    const auto [da, db] = operands(done);
    const int32_t want = int32_t(da) * int32_t(db);
    const int32_t got = int32_t(d.res_o);
    if (got != want && ++mismatches <= 5) {
      ADD_FAILURE() << int(da) << " x " << int(db) << ": got " << got << ", want " << want;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace luoshu
