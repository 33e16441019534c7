// A program over Luoshu as a user writes it (docs/runtime.md, "Using Luoshu from your own
// program"): open a device by backend name, run a two-layer int8 MLP with the ops library,
// check it bit-for-bit against the reference model on the host and print the device time.
//
//   mlp_example [BACKEND [SOC]]    BACKEND: model (default) or rtl; SOC: default or small
//
// Exit status: 0 PASS, 1 the device's result differs from the reference, 2 an error.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "sw/hal/backend.h"  // the backends by name
#include "sw/model/gemm.h"   // the reference: LinearInt8, LinearInt32
#include "sw/ops/mlp.h"
#include "sw/runtime/device.h"

namespace {

luoshu::Matrix<int8_t> RandomInt8(std::mt19937& rng, int rows, int cols) {
  std::uniform_int_distribution<int> value(-128, 127);
  luoshu::Matrix<int8_t> m(rows, cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) m.at(r, c) = static_cast<int8_t>(value(rng));
  }
  return m;
}

std::vector<int32_t> RandomBias(std::mt19937& rng, int n) {
  std::uniform_int_distribution<int32_t> value(-4096, 4096);
  std::vector<int32_t> b(n);
  for (auto& v : b) v = value(rng);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string backend = argc > 1 ? argv[1] : "model";
  luoshu::hal::BackendOptions options;
  if (argc > 2) options.soc = argv[2];

  // The backends this program links, registered once before a device is opened.
  luoshu::hal::RegisterModelBackend();
  luoshu::hal::RegisterRtlBackend();

  try {
    luoshu::Device dev = luoshu::Device::Open(backend, options);
    std::printf("device: %s, %d core(s)\n", dev.Describe().c_str(), dev.cores());

    // X (batch x in) -> H = requant(relu(X W1 + b1)), int8 -> Y = H W2 + b2, int32.
    const int batch = 64, in = 128, hidden = 96, out = 32;
    std::mt19937 rng(1);
    luoshu::ops::MlpWeights w;
    w.w1 = RandomInt8(rng, in, hidden);
    w.b1 = RandomBias(rng, hidden);
    w.scale1 = 1;  // H = saturate(round(acc * 1 / 2^8))
    w.shift1 = 8;
    w.w2 = RandomInt8(rng, hidden, out);
    w.b2 = RandomBias(rng, out);
    const luoshu::Matrix<int8_t> x = RandomInt8(rng, batch, in);

    luoshu::ops::Mlp mlp(dev, w);  // uploads the weights once
    luoshu::Buffer dx = dev.Upload(x);
    luoshu::ops::MlpRun run = mlp.Enqueue(dx);  // both layers, on every core
    dev.Synchronize();
    const luoshu::Matrix<int32_t> y = run.output.Download<int32_t>();

    // The same network on the host, as the hardware computes it.
    const luoshu::Matrix<int8_t> h =
        luoshu::model::LinearInt8(x, w.w1, w.b1, /*relu=*/true, w.scale1, w.shift1);
    const luoshu::Matrix<int32_t> want = luoshu::model::LinearInt32(h, w.w2, w.b2, /*relu=*/false);
    int bad = 0;
    for (int r = 0; r < y.rows(); ++r) {
      for (int c = 0; c < y.cols(); ++c) bad += y.at(r, c) != want.at(r, c);
    }
    if (bad) {
      std::printf("FAIL: %d of %d elements differ from the reference\n", bad, batch * out);
      return 1;
    }

    // Device time from the events: first doorbell of layer 1 to the last completion of layer 2.
    uint64_t first = UINT64_MAX, last = 0;
    for (const luoshu::ops::GemmLaunch& layer : run.layers) {
      for (const luoshu::ops::GemmPart& part : layer.parts) {
        first = std::min(first, part.start.cycle());
        last = std::max(last, part.end.cycle());
      }
    }
    std::printf("PASS: Y (%dx%d) bit-exact with the reference, %llu device cycles\n", batch, out,
                static_cast<unsigned long long>(last - first));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlp_example: %s\n", e.what());
    return 2;
  }
}
