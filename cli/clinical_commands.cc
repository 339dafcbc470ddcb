// `imledger report sign` (radiologist), `imledger consent grant|revoke` (patient) and
// `imledger access emergency` (clinician break-glass): each builds one payload from its
// options and submits it through SubmitPayload.

#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/ledger_command.h"
#include "cli/messages.h"
#include "cli/transaction_builder.h"

namespace imledger::cli {

namespace {

struct ReportCommand {
  LedgerOptions ledger;
  ReportArguments arguments;
};

struct GrantCommand {
  LedgerOptions ledger;
  ConsentGrantArguments arguments;
};

struct RevokeCommand {
  LedgerOptions ledger;
  std::string grant_hex;
};

struct EmergencyCommand {
  LedgerOptions ledger;
  std::string study_uid;
  std::string reason;
};

int RunReportSign(const ReportCommand& command) {
  Result<contracts::ReportSign> payload = BuildReportSign(command.arguments);
  if (!payload.ok()) {
    int code =
        payload.status().code() == StatusCode::kIoError ? kExitUnreadable : kExitInvalidInput;
    return ReportError(command.ledger, payload.status(), code);
  }
  std::vector<Detail> details = {{"study_key", payload->study_key.ToHex()},
                                 {"report_digest", payload->report_digest.ToHex()},
                                 {"media_type", payload->media_type}};
  if (payload->supersedes.has_value()) {
    details.push_back({"supersedes", payload->supersedes->ToHex()});
  }
  return SubmitPayload(command.ledger, contracts::ReportSign::kType,
                       contracts::EncodePayload(*payload), details);
}

std::string JoinPurposes(const std::vector<contracts::Purpose>& purposes) {
  std::string text;
  for (contracts::Purpose purpose : purposes) {
    text += (text.empty() ? "" : ",") + std::string(contracts::PurposeName(purpose));
  }
  return text;
}

// "all", or the list of study keys.
nlohmann::json StudiesJson(const contracts::ConsentGrant& grant) {
  if (grant.all_studies) {
    return "all";
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const crypto::Digest& key : grant.study_keys) {
    keys.push_back(key.ToHex());
  }
  return keys;
}

int RunConsentGrant(const GrantCommand& command) {
  Result<contracts::ConsentGrant> payload = BuildConsentGrant(command.arguments, NowMs());
  if (!payload.ok()) {
    return ReportError(command.ledger, payload.status(), kExitInvalidInput);
  }
  const contracts::Grantee& grantee = payload->grantee;
  std::vector<Detail> details = {
      {"grantee", grantee.kind == contracts::GranteeKind::kOrganization ? grantee.organization
                                                                        : grantee.member.ToHex()},
      {"purposes", JoinPurposes(payload->purposes)},
      {"studies", StudiesJson(*payload)},
      {"valid_from_ms", payload->valid_from_ms, DetailFormat::kTime},
      {"valid_until_ms", payload->valid_until_ms, DetailFormat::kTime}};
  return SubmitPayload(command.ledger, contracts::ConsentGrant::kType,
                       contracts::EncodePayload(*payload), details);
}

int RunConsentRevoke(const RevokeCommand& command) {
  Result<crypto::Digest> grant_id = ParseTransactionId(command.grant_hex, "--grant");
  if (!grant_id.ok()) {
    return ReportError(command.ledger, grant_id.status(), kExitInvalidInput);
  }
  contracts::ConsentRevoke payload{*grant_id};
  return SubmitPayload(command.ledger, contracts::ConsentRevoke::kType,
                       contracts::EncodePayload(payload), {{"grant", grant_id->ToHex()}});
}

int RunEmergency(const EmergencyCommand& command) {
  Result<contracts::AccessEmergency> payload =
      BuildAccessEmergency(command.study_uid, command.reason);
  if (!payload.ok()) {
    return ReportError(command.ledger, payload.status(), kExitInvalidInput);
  }
  return SubmitPayload(command.ledger, contracts::AccessEmergency::kType,
                       contracts::EncodePayload(*payload),
                       {{"study_key", payload->study_key.ToHex()}, {"reason", payload->reason}});
}

void AddReportCommand(CLI::App& app) {
  CLI::App* report = app.add_subcommand("report", Text("report.help"));
  report->require_subcommand(1);
  auto command = std::make_shared<ReportCommand>();
  CLI::App* sign = report->add_subcommand("sign", Text("report.sign.help"));
  sign->add_option("file", command->arguments.file, Text("report.option.file"))->required();
  AddLedgerOptions(*sign, command->ledger, true);
  sign->add_option("--study", command->arguments.study_uid, Text("option.study"))->required();
  sign->add_option("--media-type", command->arguments.media_type, Text("report.option.media"))
      ->required();
  sign->add_option("--supersedes", command->arguments.supersedes_hex,
                   Text("report.option.supersedes"));
  sign->callback([command] { throw CLI::RuntimeError(RunReportSign(*command)); });
}

void AddConsentCommands(CLI::App& app) {
  CLI::App* consent = app.add_subcommand("consent", Text("consent.help"));
  consent->require_subcommand(1);

  auto grant_command = std::make_shared<GrantCommand>();
  ConsentGrantArguments& arguments = grant_command->arguments;
  CLI::App* grant = consent->add_subcommand("grant", Text("consent.grant.help"));
  AddLedgerOptions(*grant, grant_command->ledger, true);
  CLI::Option* organization = grant->add_option("--grantee-org", arguments.grantee_organization,
                                                Text("consent.option.grantee_org"));
  CLI::Option* member = grant->add_option("--grantee-member", arguments.grantee_member_hex,
                                          Text("consent.option.grantee_member"));
  organization->excludes(member);
  grant->add_option("--purposes", arguments.purposes, Text("consent.option.purposes"))
      ->required()
      ->delimiter(',');
  grant->add_option("--studies", arguments.study_uids, Text("consent.option.studies"))
      ->delimiter(',');
  grant->add_option("--from", arguments.from, Text("consent.option.from"));
  grant->add_option("--until", arguments.until, Text("consent.option.until"));
  grant->callback([grant_command] { throw CLI::RuntimeError(RunConsentGrant(*grant_command)); });

  auto revoke_command = std::make_shared<RevokeCommand>();
  CLI::App* revoke = consent->add_subcommand("revoke", Text("consent.revoke.help"));
  AddLedgerOptions(*revoke, revoke_command->ledger, true);
  revoke->add_option("--grant", revoke_command->grant_hex, Text("consent.option.grant"))
      ->required();
  revoke->callback(
      [revoke_command] { throw CLI::RuntimeError(RunConsentRevoke(*revoke_command)); });
}

}  // namespace

void AddClinicalCommands(CLI::App& app) {
  AddReportCommand(app);
  AddConsentCommands(app);

  CLI::App* access = app.add_subcommand("access", Text("access.help"));
  access->require_subcommand(1);
  auto command = std::make_shared<EmergencyCommand>();
  CLI::App* emergency = access->add_subcommand("emergency", Text("access.emergency.help"));
  AddLedgerOptions(*emergency, command->ledger, true);
  emergency->add_option("--study", command->study_uid, Text("option.study"))->required();
  emergency->add_option("--reason", command->reason, Text("access.option.reason"))->required();
  emergency->callback([command] { throw CLI::RuntimeError(RunEmergency(*command)); });
}

}  // namespace imledger::cli
