#include "sw/runtime/timeline.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace luoshu {
namespace {

const char* kQueueNames[] = {"MTE-in (LD)", "Cube (EX)", "MTE-out (ST)", "Sequencer (SYNC)"};

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

int QueueOfCommand(const isa::Descriptor& d) {
  const uint32_t raw = d[0] & 0xff;
  if (!isa::IsValidOpcode(raw)) return -1;
  return static_cast<int>(isa::QueueOf(static_cast<isa::Opcode>(raw)));
}

}  // namespace

std::vector<TimelineSlice> JoinTimeline(const std::vector<std::vector<Device::LoggedCommand>>& log,
                                        const std::vector<hal::UnitEvent>& events) {
  std::vector<TimelineSlice> out;
  for (size_t core = 0; core < log.size(); ++core) {
    // Commands of each queue in order.
    std::vector<const Device::LoggedCommand*> queue_cmds[4];
    for (const auto& c : log[core]) {
      const int q = QueueOfCommand(c.command);
      if (q >= 0) queue_cmds[q].push_back(&c);
    }
    for (int q = 0; q < 4; ++q) {
      size_t starts = 0, finishes = 0;
      std::vector<size_t> opened;  // slices of this queue, by position
      for (const auto& e : events) {
        if (e.core != core || e.queue != q) continue;
        if (!e.finish) {
          if (starts >= queue_cmds[q].size()) {
            throw InvalidArgument("timeline: core " + std::to_string(core) + " queue " +
                                  std::to_string(q) + " started more commands than were logged");
          }
          const auto* c = queue_cmds[q][starts++];
          TimelineSlice s;
          s.core = static_cast<int>(core);
          s.queue = q;
          s.start = s.finish = e.cycle;
          const std::string text = DescribeCommand(c->command);
          const auto space = text.find(' ');
          s.name = text.substr(0, space);
          s.args = space == std::string::npos ? "" : text.substr(space + 1);
          s.label = c->label;
          opened.push_back(out.size());
          out.push_back(s);
        } else if (finishes < opened.size()) {
          // The n-th finish closes the n-th slice of this queue.
          TimelineSlice& s = out[opened[finishes++]];
          s.finish = std::max(s.start, e.cycle);
        }
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const TimelineSlice& a, const TimelineSlice& b) { return a.start < b.start; });
  return out;
}

std::string TimelineJson(const std::vector<TimelineSlice>& slices, double clock_mhz, bool exact) {
  std::ostringstream o;
  o << "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock_mhz\":" << clock_mhz << ",\"timing\":\""
    << (exact ? "measured (RTL)" : "estimated (functional model)") << "\"},\"traceEvents\":[\n";
  int cores = 0;
  for (const auto& s : slices) cores = std::max(cores, s.core + 1);
  bool first = true;
  auto sep = [&] {
    if (!first) o << ",\n";
    first = false;
  };
  for (int c = 0; c < cores; ++c) {
    sep();
    o << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" << c << ",\"args\":{\"name\":\"core "
      << c << "\"}}";
    for (int q = 0; q < 4; ++q) {
      sep();
      o << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" << c << ",\"tid\":" << q
        << ",\"args\":{\"name\":\"" << kQueueNames[q] << "\"}}";
    }
  }
  char num[64];
  for (const auto& s : slices) {
    sep();
    std::snprintf(num, sizeof num, "\"ts\":%.6f,\"dur\":%.6f", s.start / clock_mhz,
                  (s.finish - s.start) / clock_mhz);
    o << "{\"name\":\"" << Escape(s.name) << "\",\"cat\":\"" << Escape(s.label)
      << "\",\"ph\":\"X\",\"pid\":" << s.core << ",\"tid\":" << s.queue << "," << num
      << ",\"args\":{\"work\":\"" << Escape(s.label) << "\",\"operands\":\"" << Escape(s.args)
      << "\",\"start_cycle\":" << s.start << ",\"end_cycle\":" << s.finish << "}}";
  }
  o << "\n]}\n";
  return o.str();
}

TimelineRecorder::TimelineRecorder(Device* dev, double clock_mhz)
    : dev_(dev), clock_mhz_(clock_mhz) {
  dev_->set_command_log(true);
  supported_ = dev_->bus().RecordUnitEvents(true);
  exact_ = supported_ && dev_->bus().UnitEventsExact();
}

TimelineRecorder::~TimelineRecorder() {
  try {
    dev_->set_command_log(false);
    dev_->bus().RecordUnitEvents(false);
  } catch (...) {
  }
}

void TimelineRecorder::Write(const std::string& path) {
  const auto log = dev_->TakeCommandLog();
  std::vector<TimelineSlice> slices;
  if (supported_) {
    slices = JoinTimeline(log, dev_->bus().TakeUnitEvents());
  } else {
    // No unit events: each command as an instant at its doorbell.
    for (size_t c = 0; c < log.size(); ++c) {
      for (const auto& l : log[c]) {
        TimelineSlice s;
        s.core = static_cast<int>(c);
        s.queue = std::max(0, QueueOfCommand(l.command));
        s.start = s.finish = l.doorbell;
        const std::string text = DescribeCommand(l.command);
        s.name = text.substr(0, text.find(' '));
        s.label = l.label;
        slices.push_back(s);
      }
    }
  }
  const std::string json = TimelineJson(slices, clock_mhz_, exact_);
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << json;
    f.close();
    if (!f) {
      std::remove(tmp.c_str());
      throw InvalidArgument("cannot write the timeline " + path +
                            ": check that its folder exists and is writable");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InvalidArgument("cannot write the timeline " + path +
                          ": check that its folder exists and is writable");
  }
}

}  // namespace luoshu
