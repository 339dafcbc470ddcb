// Fuzzes the body and query parsers of POST /v1/transactions with untrusted bytes. Any input
// must parse or fail with a RequestError, never throw. An error carries a 400 or 413 status and
// a stable code, and a parsed transaction stays within contracts::kMaxTransactionBytes.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/submit_request.h"
#include "base/check.h"
#include "contracts/transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  imledger::api::Parsed<imledger::Bytes> body = imledger::api::ParseSubmitBody(text);
  if (body.ok()) {
    imledger::Check(body.value->size() <= imledger::contracts::kMaxTransactionBytes,
                    "a parsed transaction is within the size limit");
  } else {
    imledger::Check(body.error.status == 400 || body.error.status == 413,
                    "a body error is 400 or 413");
    imledger::Check(!body.error.code.empty(), "a body error has a code");
  }

  imledger::network::HttpRequest request;
  request.query = std::string(text);
  imledger::api::Parsed<std::optional<uint32_t>> wait = imledger::api::ParseWaitQuery(request);
  if (wait.ok() && wait.value->has_value()) {
    imledger::Check(**wait.value >= 1 && **wait.value <= imledger::api::kMaxWaitMs,
                    "a parsed wait is from 1 to kMaxWaitMs");
  }
  return 0;
}
