#include "cli/transaction_builder.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "cli/messages.h"
#include "contracts/pseudonym.h"
#include "crypto/encoding.h"
#include "dicom/file_set.h"

namespace imledger::cli {

namespace {

constexpr size_t kMinimumSecretBytes = 32;
constexpr size_t kMaxMediaTypeBytes = 128;
constexpr size_t kMaxReasonBytes = 256;
// Unix milliseconds with more digits are past the year 33000: a typo, not a time.
constexpr size_t kMaxMillisecondDigits = 15;

Status Invalid(std::string_view id, std::initializer_list<std::string_view> arguments) {
  return Status::InvalidArgument(Text(id, arguments));
}

bool IsPrintableAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

Result<std::string> ReadWholeFile(const std::string& path, std::string_view option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError(Text("builder.file_unreadable", {option, path}));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Keys of the ledger's sorted lists: each value once, ascending.
template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

uint64_t NextNonce() {
  static std::mutex mutex;
  static uint64_t last = 0;
  std::lock_guard<std::mutex> lock(mutex);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  uint64_t micros =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  last = std::max(micros, last + 1);
  return last;
}

uint64_t NowMs() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

contracts::Transaction BuildTransaction(std::string_view network_id,
                                        contracts::TransactionType type, Bytes payload,
                                        const crypto::SecretKey& key) {
  contracts::Transaction transaction;
  transaction.network_id = std::string(network_id);
  transaction.type = type;
  transaction.nonce = NextNonce();
  transaction.client_time_ms = NowMs();
  transaction.payload = std::move(payload);
  contracts::SignTransaction(transaction, key);
  return transaction;
}

Result<crypto::Digest> StudyKeyOf(std::string_view study_instance_uid) {
  if (study_instance_uid.empty()) {
    return Invalid("builder.empty_study_uid", {});
  }
  return crypto::Sha256Of(study_instance_uid);
}

Result<crypto::Digest> ParseTransactionId(std::string_view hex, std::string_view option) {
  Result<Bytes> bytes = crypto::HexDecode(hex);
  if (!bytes.ok() || bytes->size() != crypto::Digest::kSize) {
    return Invalid("builder.bad_transaction_id", {option, hex});
  }
  crypto::Digest id;
  std::copy(bytes->begin(), bytes->end(), id.bytes.begin());
  return id;
}

Result<crypto::PublicKey> ReadPublicKeyArgument(std::string_view hex, const std::string& file,
                                                std::string_view option) {
  if (hex.empty() == file.empty()) {
    return Invalid("builder.key_choice", {option});
  }
  std::string text(hex);
  if (!file.empty()) {
    Result<std::string> contents = ReadWholeFile(file, std::string(option) + "-file");
    if (!contents.ok()) {
      return contents.status();
    }
    nlohmann::json key_file = nlohmann::json::parse(*contents, nullptr, false);
    if (key_file.is_object() && key_file.contains("public_key") &&
        key_file["public_key"].is_string()) {
      text = key_file["public_key"].get<std::string>();
    } else {
      text = *contents;
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
      }
    }
  }
  Result<crypto::PublicKey> key = crypto::PublicKey::FromHex(text);
  if (!key.ok()) {
    return Invalid("builder.bad_public_key", {option, file.empty() ? text : file});
  }
  return key;
}

Result<Bytes> ReadSecretFile(const std::string& path) {
  struct stat info {};

  if (::stat(path.c_str(), &info) != 0) {
    return Status::IoError(Text("builder.file_unreadable", {"--secret-file", path}));
  }
  if ((info.st_mode & 077) != 0) {
    return Invalid("builder.secret_mode", {path});
  }
  Result<std::string> contents = ReadWholeFile(path, "--secret-file");
  if (!contents.ok()) {
    return contents.status();
  }
  if (contents->size() < kMinimumSecretBytes) {
    return Invalid("builder.secret_short", {path, std::to_string(contents->size())});
  }
  return ToBytes(*contents);
}

Result<uint64_t> ParseTimeMs(std::string_view text, std::string_view option) {
  std::string value(text);
  bool all_digits =
      std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!value.empty() && all_digits && value.size() <= kMaxMillisecondDigits) {
    return std::stoull(value);
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  int consumed = 0;
  bool parsed = std::sscanf(value.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour,
                            &minute, &second, &consumed) == 6;
  std::string_view rest = parsed ? std::string_view(value).substr(consumed) : "";
  if (parsed && rest.size() == 5 && rest[0] == '.') {
    parsed = std::sscanf(value.c_str() + consumed, ".%3dZ", &millis) == 1;
    rest = "Z";
  }
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                   std::chrono::day(day)};
  if (!parsed || rest != "Z" || !date.ok() || year < 1970 || hour > 23 || minute > 59 ||
      second > 59) {
    return Invalid("builder.bad_time", {option, text});
  }
  auto since_epoch = std::chrono::sys_days(date).time_since_epoch() + std::chrono::hours(hour) +
                     std::chrono::minutes(minute) + std::chrono::seconds(second);
  return static_cast<uint64_t>(
             std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count()) +
         millis;
}

std::optional<std::string> FormatTimeMs(uint64_t time_ms) {
  // 10000-01-01T00:00:00Z in Unix milliseconds.
  constexpr uint64_t kYear10000Ms = 253'402'300'800'000;
  if (time_ms >= kYear10000Ms) {
    return std::nullopt;
  }
  std::chrono::sys_time<std::chrono::milliseconds> time{
      std::chrono::milliseconds(static_cast<int64_t>(time_ms))};
  std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date(day);
  std::chrono::hh_mm_ss clock(time - day);
  char text[32];
  int length = std::snprintf(
      text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()));
  std::string formatted(text, static_cast<size_t>(length));
  if (uint64_t millis = time_ms % 1000; millis != 0) {
    std::snprintf(text, sizeof(text), ".%03u", static_cast<unsigned>(millis));
    formatted += text;
  }
  return formatted + "Z";
}

Result<std::vector<contracts::Role>> ParseRoles(const std::vector<std::string>& names) {
  std::vector<contracts::Role> roles;
  for (const std::string& name : names) {
    Result<contracts::Role> role = contracts::RoleFromName(name);
    if (!role.ok() || *role == contracts::Role::kAdmin) {
      return Invalid("builder.bad_role", {name});
    }
    roles.push_back(*role);
  }
  if (roles.empty()) {
    return Invalid("builder.no_roles", {});
  }
  SortUnique(roles);
  return roles;
}

Result<std::vector<contracts::Purpose>> ParsePurposes(const std::vector<std::string>& names) {
  std::vector<contracts::Purpose> purposes;
  for (const std::string& name : names) {
    Result<contracts::Purpose> purpose = contracts::PurposeFromName(name);
    if (!purpose.ok()) {
      return Invalid("builder.bad_purpose", {name});
    }
    purposes.push_back(*purpose);
  }
  if (purposes.empty()) {
    return Invalid("builder.no_purposes", {});
  }
  SortUnique(purposes);
  return purposes;
}

Result<contracts::MemberEnroll> BuildMemberEnroll(const MemberArguments& arguments) {
  Result<contracts::MemberRevoke> identity = BuildMemberRevoke(arguments);
  if (!identity.ok()) {
    return identity.status();
  }
  Result<std::vector<contracts::Role>> roles = ParseRoles(arguments.roles);
  if (!roles.ok()) {
    return roles.status();
  }
  return contracts::MemberEnroll{identity->member, identity->organization, std::move(*roles)};
}

Result<contracts::MemberRevoke> BuildMemberRevoke(const MemberArguments& arguments) {
  Result<crypto::PublicKey> member =
      ReadPublicKeyArgument(arguments.member_key_hex, arguments.member_key_file, "--member-key");
  if (!member.ok()) {
    return member.status();
  }
  if (!contracts::IsValidOrganizationName(arguments.organization)) {
    return Invalid("builder.bad_organization", {"--org", arguments.organization});
  }
  return contracts::MemberRevoke{*member, arguments.organization};
}

Result<crypto::Digest> PseudonymOf(const std::string& secret_file, std::string_view issuer,
                                   std::string_view patient_id) {
  if (issuer.empty() || issuer.find('\0') != std::string_view::npos) {
    return Invalid("builder.bad_issuer", {});
  }
  if (patient_id.empty()) {
    return Invalid("builder.empty_patient_id", {});
  }
  Result<Bytes> secret = ReadSecretFile(secret_file);
  if (!secret.ok()) {
    return secret.status();
  }
  return contracts::MakePseudonym(*secret, issuer, patient_id);
}

Result<contracts::PatientEnroll> BuildPatientEnroll(const PatientArguments& arguments) {
  Result<crypto::PublicKey> patient_key =
      ReadPublicKeyArgument(arguments.patient_key_hex, arguments.patient_key_file, "--patient-key");
  if (!patient_key.ok()) {
    return patient_key.status();
  }
  Result<crypto::Digest> pseudonym =
      PseudonymOf(arguments.secret_file, arguments.issuer, arguments.patient_id);
  if (!pseudonym.ok()) {
    return pseudonym.status();
  }
  return contracts::PatientEnroll{*pseudonym, *patient_key};
}

Result<dicom::StudyDigest> DigestOneStudy(const std::string& path) {
  std::vector<std::string> paths = {path};
  Result<std::vector<std::filesystem::path>> files = dicom::ListInputFiles(paths);
  if (!files.ok()) {
    return files.status();
  }
  if (files->empty()) {
    return Invalid("builder.no_files", {path});
  }
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  dicom::FileSetDigest digest = dicom::DigestFiles(*files, threads);
  if (!digest.failures.empty()) {
    return digest.failures.front().status;
  }
  std::vector<dicom::InstanceDigest> instances;
  for (dicom::InstanceDigest& instance : digest.instances) {
    if (!instance.attributes.media_storage_directory) {
      instances.push_back(std::move(instance));
    }
  }
  Result<std::vector<dicom::StudyDigest>> studies = dicom::BuildStudyDigests(std::move(instances));
  if (!studies.ok()) {
    return studies.status();
  }
  if (studies->size() != 1) {
    return Invalid("builder.not_one_study", {path, std::to_string(studies->size())});
  }
  return std::move(studies->front());
}

contracts::StudyAnchor BuildStudyAnchor(const dicom::StudyDigest& study,
                                        const crypto::Digest& pseudonym,
                                        const std::optional<crypto::Digest>& previous_anchor) {
  contracts::StudyAnchor anchor;
  anchor.study_key = crypto::Sha256Of(study.study_instance_uid);
  anchor.pseudonym = pseudonym;
  anchor.study_root = study.root;
  anchor.instance_count = study.instances.size();
  anchor.total_bytes = study.file_bytes;
  anchor.modalities = study.modalities;
  anchor.previous_anchor = previous_anchor;
  return anchor;
}

Result<contracts::ReportSign> BuildReportSign(const ReportArguments& arguments) {
  Result<crypto::Digest> study_key = StudyKeyOf(arguments.study_uid);
  if (!study_key.ok()) {
    return study_key.status();
  }
  if (arguments.media_type.empty() || arguments.media_type.size() > kMaxMediaTypeBytes ||
      !IsPrintableAscii(arguments.media_type)) {
    return Invalid("builder.bad_media_type", {arguments.media_type});
  }
  Result<std::string> document = ReadWholeFile(arguments.file, "FILE");
  if (!document.ok()) {
    return document.status();
  }
  contracts::ReportSign report;
  report.study_key = *study_key;
  report.report_digest = crypto::Sha256Of(*document);
  report.media_type = arguments.media_type;
  if (!arguments.supersedes_hex.empty()) {
    Result<crypto::Digest> supersedes =
        ParseTransactionId(arguments.supersedes_hex, "--supersedes");
    if (!supersedes.ok()) {
      return supersedes.status();
    }
    report.supersedes = *supersedes;
  }
  return report;
}

Result<contracts::AccessEmergency> BuildAccessEmergency(std::string_view study_uid,
                                                        std::string_view reason) {
  Result<crypto::Digest> study_key = StudyKeyOf(study_uid);
  if (!study_key.ok()) {
    return study_key.status();
  }
  if (reason.empty() || reason.size() > kMaxReasonBytes || !IsPrintableAscii(reason)) {
    return Invalid("builder.bad_reason", {std::to_string(reason.size())});
  }
  return contracts::AccessEmergency{*study_key, std::string(reason)};
}

}  // namespace imledger::cli

namespace imledger::cli {

namespace {

Result<contracts::Grantee> BuildGrantee(const ConsentGrantArguments& arguments) {
  contracts::Grantee grantee;
  if (arguments.grantee_organization.empty() == arguments.grantee_member_hex.empty()) {
    return Invalid("builder.grantee_choice", {});
  }
  if (!arguments.grantee_organization.empty()) {
    if (!contracts::IsValidOrganizationName(arguments.grantee_organization)) {
      return Invalid("builder.bad_organization", {"--grantee-org", arguments.grantee_organization});
    }
    grantee.kind = contracts::GranteeKind::kOrganization;
    grantee.organization = arguments.grantee_organization;
    return grantee;
  }
  Result<crypto::PublicKey> member =
      ReadPublicKeyArgument(arguments.grantee_member_hex, "", "--grantee-member");
  if (!member.ok()) {
    return member.status();
  }
  grantee.kind = contracts::GranteeKind::kMember;
  grantee.member = *member;
  return grantee;
}

}  // namespace

Result<contracts::ConsentGrant> BuildConsentGrant(const ConsentGrantArguments& arguments,
                                                  uint64_t now_ms) {
  contracts::ConsentGrant grant;
  Result<contracts::Grantee> grantee = BuildGrantee(arguments);
  if (!grantee.ok()) {
    return grantee.status();
  }
  grant.grantee = std::move(*grantee);
  Result<std::vector<contracts::Purpose>> purposes = ParsePurposes(arguments.purposes);
  if (!purposes.ok()) {
    return purposes.status();
  }
  grant.purposes = std::move(*purposes);

  grant.all_studies = arguments.study_uids.empty();
  for (const std::string& uid : arguments.study_uids) {
    Result<crypto::Digest> study_key = StudyKeyOf(uid);
    if (!study_key.ok()) {
      return study_key.status();
    }
    grant.study_keys.push_back(*study_key);
  }
  SortUnique(grant.study_keys);

  grant.valid_from_ms = now_ms;
  if (!arguments.from.empty()) {
    Result<uint64_t> from = ParseTimeMs(arguments.from, "--from");
    if (!from.ok()) {
      return from.status();
    }
    grant.valid_from_ms = *from;
  }
  grant.valid_until_ms = UINT64_MAX;
  if (!arguments.until.empty()) {
    Result<uint64_t> until = ParseTimeMs(arguments.until, "--until");
    if (!until.ok()) {
      return until.status();
    }
    grant.valid_until_ms = *until;
  }
  if (grant.valid_until_ms <= grant.valid_from_ms) {
    return Invalid("builder.window", {arguments.until, std::to_string(grant.valid_from_ms)});
  }
  return grant;
}

}  // namespace imledger::cli
