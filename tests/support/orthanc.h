// A real Orthanc (Debian's orthanc 1.10 with the orthanc-dicomweb plugin) for gateway tests.
//
// OrthancServer writes a generated configuration into a test folder (storage there, HTTP on a
// free 127.0.0.1 port, DICOM server disabled, remote access disallowed, the DICOMweb plugin
// loaded), starts the Orthanc binary as a child process, waits until its REST API responds,
// and stops it by PID. Orthanc 1.10 cannot bind to one address, so callers first move the test
// process into a network namespace that has only a loopback interface
// (EnterLoopbackNetworkNamespace); Orthanc inherits it and is then reachable from nowhere else.
// Not thread-safe.

#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <sys/types.h>

#include "base/status.h"
#include "tests/support/http_test_client.h"

namespace imledger::testing {

// Moves the calling process into a new network namespace and brings its loopback interface
// up. Call it before any thread starts; it needs CAP_SYS_ADMIN. Idempotent within a process.
Status EnterLoopbackNetworkNamespace();

class OrthancServer {
 public:
  // Starts Orthanc with its storage under `folder` and waits up to 30 s for it to respond.
  static Result<std::unique_ptr<OrthancServer>> Start(const std::filesystem::path& folder);

  ~OrthancServer();  // Stops Orthanc.

  OrthancServer(const OrthancServer&) = delete;
  OrthancServer& operator=(const OrthancServer&) = delete;

  // Sends SIGTERM to the Orthanc process and waits for it, with SIGKILL after 10 s. Idempotent.
  void Stop();

  uint16_t http_port() const { return port_; }

  pid_t pid() const { return pid_; }

  const std::filesystem::path& storage_dir() const { return storage_dir_; }

  // Stores one DICOM file through the REST API; returns Orthanc's instance id.
  Result<std::string> Upload(const std::filesystem::path& dicom_file);

  // The file in which Orthanc stores the DICOM attachment of `instance_id`.
  Result<std::filesystem::path> StoredFile(const std::string& instance_id);

  HttpTestClient& client() { return client_; }

 private:
  OrthancServer(pid_t pid, uint16_t port, std::filesystem::path storage_dir);

  pid_t pid_;
  uint16_t port_;
  std::filesystem::path storage_dir_;
  HttpTestClient client_;
};

}  // namespace imledger::testing
