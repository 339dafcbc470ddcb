// `imledger study anchor PATH`: digest one study folder, pseudonymize its patient, and submit a
// study.anchor signed by a technician. Without --previous, the node's anchors of the study are
// looked up and the new anchor chains to the latest, so re-anchoring a changed study is one
// command.

#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/ledger_command.h"
#include "cli/messages.h"
#include "cli/node_client.h"
#include "cli/transaction_builder.h"

namespace imledger::cli {

namespace {

struct AnchorCommand {
  LedgerOptions ledger;
  std::string path;
  std::string patient_id;
  std::string issuer;
  std::string secret_file;
  std::string previous_hex;
};

// The transaction id of the study's highest version, or nullopt when it has none.
Result<std::optional<crypto::Digest>> LatestAnchor(const LedgerOptions& options,
                                                   const crypto::Digest& study_key) {
  Result<NodeUrl> url = ParseNodeUrl(options.node);
  if (!url.ok()) {
    return url.status();
  }
  NodeClient client(*url);
  Result<std::optional<nlohmann::json>> study = client.GetStudy(study_key.ToHex());
  if (!study.ok()) {
    return study.status();
  }
  if (!study->has_value()) {
    return std::optional<crypto::Digest>();
  }
  const nlohmann::json& anchors = (**study)["anchors"];
  uint64_t best_version = 0;
  std::string best_id;
  for (const nlohmann::json& anchor : anchors.is_array() ? anchors : nlohmann::json::array()) {
    uint64_t version = anchor.value("version", uint64_t{0});
    // The contract names the field transaction_id; AnchorRecord calls it anchor_id.
    std::string id = anchor.value("transaction_id", anchor.value("anchor_id", std::string()));
    if (version >= best_version && !id.empty()) {
      best_version = version;
      best_id = id;
    }
  }
  if (best_id.empty()) {
    return Status::Corruption(
        Text("client.malformed_response", {url->ToString(), "/v1/studies/" + study_key.ToHex(),
                                           "no anchor with \"version\" and \"transaction_id\""}));
  }
  Result<crypto::Digest> id = ParseTransactionId(best_id, "anchors[].transaction_id");
  if (!id.ok()) {
    return id.status();
  }
  return std::optional<crypto::Digest>(*id);
}

int DigestExitCode(const Status& status) {
  if (status.code() == StatusCode::kIoError) {
    return kExitUnreadable;
  }
  return status.code() == StatusCode::kInvalidArgument ? kExitInvalidInput : kExitInvalidDicom;
}

int RunAnchor(const AnchorCommand& command) {
  const LedgerOptions& ledger = command.ledger;
  Result<crypto::Digest> pseudonym =
      PseudonymOf(command.secret_file, command.issuer, command.patient_id);
  if (!pseudonym.ok()) {
    return ReportError(
        ledger, pseudonym.status(),
        pseudonym.status().code() == StatusCode::kIoError ? kExitUnreadable : kExitInvalidInput);
  }
  Result<dicom::StudyDigest> study = DigestOneStudy(command.path);
  if (!study.ok()) {
    return ReportError(ledger, study.status(), DigestExitCode(study.status()));
  }
  crypto::Digest study_key = crypto::Sha256Of(study->study_instance_uid);

  std::optional<crypto::Digest> previous;
  if (!command.previous_hex.empty()) {
    Result<crypto::Digest> given = ParseTransactionId(command.previous_hex, "--previous");
    if (!given.ok()) {
      return ReportError(ledger, given.status(), kExitInvalidInput);
    }
    previous = *given;
  } else {
    Result<std::optional<crypto::Digest>> latest = LatestAnchor(ledger, study_key);
    if (!latest.ok()) {
      int code = latest.status().code() == StatusCode::kInvalidArgument
                     ? kExitInvalidInput
                     : NodeExitCode(latest.status());
      return ReportError(ledger, latest.status(), code);
    }
    previous = *latest;
  }

  contracts::StudyAnchor anchor = BuildStudyAnchor(*study, *pseudonym, previous);
  std::vector<Detail> details = {{"study_instance_uid", study->study_instance_uid},
                                 {"study_key", study_key.ToHex()},
                                 {"study_root", anchor.study_root.ToHex()},
                                 {"instance_count", anchor.instance_count},
                                 {"total_bytes", anchor.total_bytes},
                                 {"pseudonym", pseudonym->ToHex()}};
  if (previous.has_value()) {
    details.push_back({"previous_anchor", previous->ToHex()});
  }
  return SubmitPayload(ledger, contracts::StudyAnchor::kType, contracts::EncodePayload(anchor),
                       details);
}

}  // namespace

void AddStudyAnchorCommand(CLI::App& study) {
  auto command = std::make_shared<AnchorCommand>();
  CLI::App* anchor = study.add_subcommand("anchor", Text("anchor.help"));
  anchor->add_option("path", command->path, Text("anchor.option.path"))->required();
  AddLedgerOptions(*anchor, command->ledger, true);
  anchor->add_option("--patient-id", command->patient_id, Text("option.patient_id"))->required();
  anchor->add_option("--issuer", command->issuer, Text("option.issuer"))->required();
  anchor->add_option("--secret-file", command->secret_file, Text("option.secret_file"))->required();
  anchor->add_option("--previous", command->previous_hex, Text("anchor.option.previous"));
  anchor->callback([command] { throw CLI::RuntimeError(RunAnchor(*command)); });
}

}  // namespace imledger::cli
