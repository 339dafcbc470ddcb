// Building the signed transactions of the ledger commands, apart from sending them, so tests can
// check the bytes.
//
// Each Build* function turns the command-line values of one command into its payload struct
// (contracts/payload.h) and checks what can be checked without the ledger: key and id formats,
// role and purpose names, times, the pseudonymization secret. Errors are InvalidArgument
// statuses that name the option, the value and the fix; the patient id never appears in them.
// BuildTransaction signs the envelope with a nonce from NextNonce. Everything here is
// thread-safe; NextNonce serializes its callers.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "contracts/payload.h"
#include "contracts/transaction.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "dicom/study_digest.h"

namespace imledger::cli {

// The current Unix time in microseconds, raised to the previous value + 1 when the clock has
// not moved, so nonces of one process are strictly increasing and later runs start above.
uint64_t NextNonce();

uint64_t NowMs();

// Signs an envelope of `type` carrying `payload` for `network_id`.
contracts::Transaction BuildTransaction(std::string_view network_id,
                                        contracts::TransactionType type, Bytes payload,
                                        const crypto::SecretKey& key);

template <typename Payload>
contracts::Transaction BuildTransaction(std::string_view network_id, const Payload& payload,
                                        const crypto::SecretKey& key) {
  return BuildTransaction(network_id, Payload::kType, contracts::EncodePayload(payload), key);
}

// The study key of a StudyInstanceUID: SHA-256 of its bytes.
Result<crypto::Digest> StudyKeyOf(std::string_view study_instance_uid);

// A 64-digit hex transaction id given to `option`.
Result<crypto::Digest> ParseTransactionId(std::string_view hex, std::string_view option);

// A public key given as hex, or read from a file holding the hex (or an imledger key file,
// whose "public_key" is used). Exactly one of `hex` and `file` must be non-empty.
Result<crypto::PublicKey> ReadPublicKeyArgument(std::string_view hex, const std::string& file,
                                                std::string_view option);

// The pseudonymization secret: the raw bytes of `path` (at least 32), which must not be
// readable by group or others.
Result<Bytes> ReadSecretFile(const std::string& path);

// ISO 8601 UTC ("2026-12-04T10:00:00Z", optionally with milliseconds) or Unix milliseconds.
Result<uint64_t> ParseTimeMs(std::string_view text, std::string_view option);

// Unix milliseconds as ISO 8601 UTC, in the form ParseTimeMs reads: "2026-12-04T10:00:00Z",
// with ".mmm" before the "Z" when the milliseconds are not zero. Nullopt from the year 10000 on,
// which the form cannot express.
std::optional<std::string> FormatTimeMs(uint64_t time_ms);

Result<std::vector<contracts::Role>> ParseRoles(const std::vector<std::string>& names);

Result<std::vector<contracts::Purpose>> ParsePurposes(const std::vector<std::string>& names);

struct MemberArguments {
  std::string member_key_hex;
  std::string member_key_file;
  std::string organization;
  std::vector<std::string> roles;  // Ignored by BuildMemberRevoke.
};

Result<contracts::MemberEnroll> BuildMemberEnroll(const MemberArguments& arguments);

Result<contracts::MemberRevoke> BuildMemberRevoke(const MemberArguments& arguments);

struct PatientArguments {
  std::string secret_file;
  std::string issuer;
  std::string patient_id;
  std::string patient_key_hex;
  std::string patient_key_file;
};

Result<contracts::PatientEnroll> BuildPatientEnroll(const PatientArguments& arguments);

// The pseudonym of `patient_id` under the secret in `secret_file`.
Result<crypto::Digest> PseudonymOf(const std::string& secret_file, std::string_view issuer,
                                   std::string_view patient_id);

// Digests the DICOM files under `path`, which must hold exactly one study.
Result<dicom::StudyDigest> DigestOneStudy(const std::string& path);

contracts::StudyAnchor BuildStudyAnchor(const dicom::StudyDigest& study,
                                        const crypto::Digest& pseudonym,
                                        const std::optional<crypto::Digest>& previous_anchor);

struct ReportArguments {
  std::string file;
  std::string study_uid;
  std::string media_type;
  std::string supersedes_hex;  // Empty: a first report.
};

Result<contracts::ReportSign> BuildReportSign(const ReportArguments& arguments);

struct ConsentGrantArguments {
  std::string grantee_organization;
  std::string grantee_member_hex;
  std::vector<std::string> purposes;
  std::vector<std::string> study_uids;  // Empty: every study of the patient.
  std::string from;                     // Empty: now_ms.
  std::string until;                    // Empty: no end.
};

Result<contracts::ConsentGrant> BuildConsentGrant(const ConsentGrantArguments& arguments,
                                                  uint64_t now_ms);

Result<contracts::AccessEmergency> BuildAccessEmergency(std::string_view study_uid,
                                                        std::string_view reason);

}  // namespace imledger::cli
