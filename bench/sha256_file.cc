// Prints the SHA-256 of a file as `openssl dgst -sha256 -r` does, reading it in 1 MiB chunks
// through crypto::Sha256, so bench/sha256-vs-openssl can time both on the same file.

#include <cstdio>
#include <vector>

#include "crypto/sha256.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sha256_file FILE\n");
    return 2;
  }
  std::FILE* file = std::fopen(argv[1], "rb");
  if (file == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  imledger::crypto::Sha256 hasher;
  std::vector<uint8_t> buffer(1 << 20);
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    hasher.Update(imledger::ByteView(buffer.data(), n));
  }
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    std::fprintf(stderr, "%s: read error\n", argv[1]);
    return 1;
  }
  std::printf("%s *%s\n", hasher.Finish().ToHex().c_str(), argv[1]);
  return 0;
}
