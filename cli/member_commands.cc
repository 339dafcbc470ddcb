// `imledger member enroll|revoke` (signed by an organization admin) and `imledger patient enroll`
// (signed by a registrar). The patient id is turned into a pseudonym here and is never printed.

#include <memory>

#include "cli/commands.h"
#include "cli/ledger_command.h"
#include "cli/messages.h"
#include "cli/transaction_builder.h"

namespace imledger::cli {

namespace {

struct MemberCommand {
  LedgerOptions ledger;
  MemberArguments arguments;
};

struct PatientCommand {
  LedgerOptions ledger;
  PatientArguments arguments;
};

std::string JoinRoles(const std::vector<contracts::Role>& roles) {
  std::string text;
  for (contracts::Role role : roles) {
    text += (text.empty() ? "" : ",") + std::string(contracts::RoleName(role));
  }
  return text;
}

int RunEnroll(const MemberCommand& command) {
  Result<contracts::MemberEnroll> payload = BuildMemberEnroll(command.arguments);
  if (!payload.ok()) {
    return ReportError(command.ledger, payload.status(), kExitInvalidInput);
  }
  return SubmitPayload(command.ledger, contracts::MemberEnroll::kType,
                       contracts::EncodePayload(*payload),
                       {{"member", payload->member.ToHex()},
                        {"organization", payload->organization},
                        {"roles", JoinRoles(payload->roles)}});
}

int RunRevoke(const MemberCommand& command) {
  Result<contracts::MemberRevoke> payload = BuildMemberRevoke(command.arguments);
  if (!payload.ok()) {
    return ReportError(command.ledger, payload.status(), kExitInvalidInput);
  }
  return SubmitPayload(
      command.ledger, contracts::MemberRevoke::kType, contracts::EncodePayload(*payload),
      {{"member", payload->member.ToHex()}, {"organization", payload->organization}});
}

int RunPatientEnroll(const PatientCommand& command) {
  Result<contracts::PatientEnroll> payload = BuildPatientEnroll(command.arguments);
  if (!payload.ok()) {
    return ReportError(command.ledger, payload.status(), kExitInvalidInput);
  }
  return SubmitPayload(
      command.ledger, contracts::PatientEnroll::kType, contracts::EncodePayload(*payload),
      {{"pseudonym", payload->pseudonym.ToHex()}, {"patient_key", payload->patient_key.ToHex()}});
}

void AddMemberKeyOptions(CLI::App& command, MemberArguments& arguments) {
  CLI::Option* hex =
      command.add_option("--member-key", arguments.member_key_hex, Text("member.option.key"));
  CLI::Option* file = command.add_option("--member-key-file", arguments.member_key_file,
                                         Text("member.option.key_file"));
  hex->excludes(file);
  command.add_option("--org", arguments.organization, Text("member.option.org"))->required();
}

}  // namespace

void AddMemberCommands(CLI::App& app) {
  CLI::App* member = app.add_subcommand("member", Text("member.help"));
  member->require_subcommand(1);

  auto enroll_command = std::make_shared<MemberCommand>();
  CLI::App* enroll = member->add_subcommand("enroll", Text("member.enroll.help"));
  AddLedgerOptions(*enroll, enroll_command->ledger, true);
  AddMemberKeyOptions(*enroll, enroll_command->arguments);
  enroll->add_option("--roles", enroll_command->arguments.roles, Text("member.option.roles"))
      ->required()
      ->delimiter(',');
  enroll->callback([enroll_command] { throw CLI::RuntimeError(RunEnroll(*enroll_command)); });

  auto revoke_command = std::make_shared<MemberCommand>();
  CLI::App* revoke = member->add_subcommand("revoke", Text("member.revoke.help"));
  AddLedgerOptions(*revoke, revoke_command->ledger, true);
  AddMemberKeyOptions(*revoke, revoke_command->arguments);
  revoke->callback([revoke_command] { throw CLI::RuntimeError(RunRevoke(*revoke_command)); });

  CLI::App* patient = app.add_subcommand("patient", Text("patient.help"));
  patient->require_subcommand(1);
  auto patient_command = std::make_shared<PatientCommand>();
  PatientArguments& arguments = patient_command->arguments;
  CLI::App* patient_enroll = patient->add_subcommand("enroll", Text("patient.enroll.help"));
  AddLedgerOptions(*patient_enroll, patient_command->ledger, true);
  patient_enroll->add_option("--secret-file", arguments.secret_file, Text("option.secret_file"))
      ->required();
  patient_enroll->add_option("--issuer", arguments.issuer, Text("option.issuer"))->required();
  patient_enroll->add_option("--patient-id", arguments.patient_id, Text("option.patient_id"))
      ->required();
  CLI::Option* hex = patient_enroll->add_option("--patient-key", arguments.patient_key_hex,
                                                Text("patient.option.key"));
  CLI::Option* file = patient_enroll->add_option("--patient-key-file", arguments.patient_key_file,
                                                 Text("patient.option.key_file"));
  hex->excludes(file);
  patient_enroll->callback(
      [patient_command] { throw CLI::RuntimeError(RunPatientEnroll(*patient_command)); });
}

}  // namespace imledger::cli
