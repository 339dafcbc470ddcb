// A child process for the crash test: appends blocks to the store in argv[1] until killed,
// printing each height after its synced write returns, so the parent can tell which blocks
// must survive.

#include <cstdio>

#include "tests/ledger/block_store_fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: block_store_crash_writer STORE_FOLDER\n");
    return 2;
  }
  auto store = imledger::ledger::BlockStore::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  imledger::ledger::BlockStore& blocks = **store;
  for (;;) {
    uint64_t height = blocks.height() + 1;
    auto entries = imledger::testing::EntriesForHeight(height);
    leveldb::WriteBatch state;
    state.Put("sheight", std::to_string(height));
    imledger::Status status =
        blocks.Append(imledger::testing::CertifyNext(blocks, entries), entries, &state);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(height));
    std::fflush(stdout);
  }
}
