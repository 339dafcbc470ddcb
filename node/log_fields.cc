// Log fields of the node; see log_fields.h.

#include "node/log_fields.h"

#include "consensus/messages.h"

namespace imledger::node {

std::string MessageLogFields(ByteView encoded_message) {
  Result<consensus::MessageSummary> summary = consensus::SummarizeMessage(encoded_message);
  if (!summary.ok()) {
    return "type=undecodable";
  }
  std::string fields = "type=" + std::string(consensus::MessageTypeName(summary->type));
  if (summary->sequence.has_value()) {
    fields += " seq=" + std::to_string(*summary->sequence);
  }
  return fields;
}

std::vector<std::pair<std::string, uint64_t>> DropsByReason(const consensus::DropCounters& drops) {
  return {
      {"malformed", drops.malformed},       {"bad_signature", drops.bad_signature},
      {"wrong_view", drops.wrong_view},     {"out_of_window", drops.out_of_window},
      {"invalid", drops.invalid},           {"duplicate_request", drops.duplicate_request},
      {"pending_full", drops.pending_full},
  };
}

void RejectionLog::Add(const consensus::DropCounters& before, const consensus::DropCounters& after,
                       const std::string& peer) {
  if (after.Total() == before.Total()) {
    return;
  }
  std::vector<std::pair<std::string, uint64_t>> earlier = DropsByReason(before);
  std::vector<std::pair<std::string, uint64_t>> later = DropsByReason(after);
  for (size_t i = 0; i < later.size(); ++i) {
    uint64_t added = later[i].second - earlier[i].second;
    if (added > 0) {
      entries_[{later[i].first, peer}].unreported += added;
    }
  }
}

std::vector<RejectionLog::Line> RejectionLog::Flush(Clock::time_point now) {
  std::vector<Line> lines;
  for (auto& [key, entry] : entries_) {
    if (entry.unreported == 0) {
      continue;
    }
    if (entry.reported_before && now - entry.last_line < interval_) {
      continue;
    }
    lines.push_back({key.first, key.second, entry.unreported});
    entry.unreported = 0;
    entry.reported_before = true;
    entry.last_line = now;
  }
  return lines;
}

}  // namespace imledger::node
