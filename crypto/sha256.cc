#include "crypto/sha256.h"

#include <utility>

#include <openssl/evp.h>

#include "base/check.h"
#include "crypto/encoding.h"

namespace imledger::crypto {

namespace {

// The SHA-256 implementation, fetched once. Passing EVP_sha256() instead makes OpenSSL 3 look
// the algorithm up again on every call, which cost a third of the time of hashing short
// consensus messages.
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* const kAlgorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Check(kAlgorithm != nullptr, "EVP_MD_fetch(SHA256) returned null");
  return kAlgorithm;
}

}  // namespace

std::string Digest::ToHex() const {
  return HexEncode(bytes);
}

std::ostream& operator<<(std::ostream& out, const Digest& digest) {
  return out << digest.ToHex();
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  Check(context_ != nullptr, "EVP_MD_CTX_new returned null");
  Check(EVP_DigestInit_ex(context_, Sha256Algorithm(), nullptr) == 1, "EVP_DigestInit_ex failed");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(context_);
}

Sha256::Sha256(Sha256&& other) noexcept : context_(std::exchange(other.context_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(context_);
    context_ = std::exchange(other.context_, nullptr);
  }
  return *this;
}

void Sha256::Update(ByteView data) {
  Check(context_ != nullptr, "Sha256 used after move");
  if (!data.empty()) {
    Check(EVP_DigestUpdate(context_, data.data(), data.size()) == 1, "EVP_DigestUpdate failed");
  }
}

Digest Sha256::Finish() {
  Check(context_ != nullptr, "Sha256 used after move");
  Digest digest;
  unsigned int length = 0;
  Check(EVP_DigestFinal_ex(context_, digest.bytes.data(), &length) == 1,
        "EVP_DigestFinal_ex failed");
  CheckEq(length, Digest::kSize, "SHA-256 output length");
  Check(EVP_DigestInit_ex(context_, Sha256Algorithm(), nullptr) == 1, "EVP_DigestInit_ex failed");
  return digest;
}

Digest Sha256Of(ByteView data) {
  Digest digest;
  unsigned int length = 0;
  Check(EVP_Digest(data.data(), data.size(), digest.bytes.data(), &length, Sha256Algorithm(),
                   nullptr) == 1,
        "EVP_Digest failed");
  return digest;
}

}  // namespace imledger::crypto
