#include "contracts/pseudonym.h"

#include <string>

#include <openssl/hmac.h>

namespace imledger::contracts {

Result<crypto::Digest> MakePseudonym(ByteView secret, std::string_view issuer,
                                     std::string_view patient_id) {
  if (secret.size() < 32) {
    return Status::InvalidArgument("pseudonymization secret is " + std::to_string(secret.size()) +
                                   " bytes; use at least 32 random bytes");
  }
  if (issuer.empty() || issuer.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("issuer must be non-empty and contain no NUL byte");
  }
  if (patient_id.empty()) {
    return Status::InvalidArgument("patient id must be non-empty");
  }

  std::string message(issuer);
  message.push_back('\0');
  message.append(patient_id);

  crypto::Digest digest;
  unsigned int length = 0;
  const unsigned char* result = HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), digest.bytes.data(), &length);
  if (result == nullptr || length != crypto::Digest::kSize) {
    return Status::Internal("OpenSSL HMAC-SHA-256 failed");
  }
  return digest;
}

}  // namespace imledger::contracts
