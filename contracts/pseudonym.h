// Patient pseudonyms: the only form in which a hospital's patient id reaches the ledger.
//
// pseudonym = HMAC-SHA-256(key = hospital secret, message = issuer || 0x00 || patient id), where
// the issuer names the assigning authority of the id (DICOM IssuerOfPatientID). The secret never
// leaves the hospital, so the ledger cannot be searched for a known patient id. Thread-safe.

#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sha256.h"

namespace imledger::contracts {

// The secret must be at least 32 bytes; issuer and patient id must be non-empty and the issuer
// must not contain a 0x00 byte, so that (issuer, patient id) pairs never collide.
Result<crypto::Digest> MakePseudonym(ByteView secret, std::string_view issuer,
                                     std::string_view patient_id);

}  // namespace imledger::contracts
