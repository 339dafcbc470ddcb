#include "node/request_parser.h"

#include <utility>

#include "contracts/transaction.h"

namespace imledger::node {

consensus::RequestParser ContractsRequestParser(std::string network_id) {
  return [network_id = std::move(network_id)](ByteView bytes) -> Result<consensus::Request> {
    Result<contracts::Transaction> transaction = contracts::DecodeTransaction(bytes);
    if (!transaction.ok()) {
      return transaction.status();
    }
    if (transaction->network_id != network_id) {
      return Status::InvalidArgument("transaction is for network \"" + transaction->network_id +
                                     "\", not \"" + network_id + "\"");
    }
    if (!contracts::VerifyTransactionSignature(*transaction)) {
      return Status::Unauthenticated("transaction signature is invalid");
    }
    consensus::Request request;
    request.client = transaction->signer;
    request.nonce = transaction->nonce;
    request.transaction = Bytes(bytes.begin(), bytes.end());
    request.digest = contracts::TransactionIdOf(bytes);
    return request;
  };
}

}  // namespace imledger::node
