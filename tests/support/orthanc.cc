#include "tests/support/orthanc.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <fcntl.h>
#include <net/if.h>
#include <nlohmann/json.hpp>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace imledger::testing {
namespace {

constexpr const char* kOrthancBinary = "/usr/sbin/Orthanc";
constexpr const char* kDicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

// A port that was free a moment ago. Orthanc has no "port 0" option, so a race with another
// process is possible but unlikely inside a private network namespace.
Result<uint16_t> FreePort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io);
  boost::system::error_code error;
  acceptor.open(boost::asio::ip::tcp::v4(), error);
  if (!error) {
    acceptor.bind({boost::asio::ip::make_address("127.0.0.1"), 0}, error);
  }
  if (error) {
    return Status::IoError("finding a free port failed: " + error.message());
  }
  return acceptor.local_endpoint().port();
}

Status WriteConfig(const std::filesystem::path& path, const std::filesystem::path& storage,
                   uint16_t port) {
  nlohmann::json config = {
      {"Name", "imledger-test"},
      {"StorageDirectory", storage.string()},
      {"IndexDirectory", storage.string()},
      {"HttpPort", port},
      {"HttpServerEnabled", true},
      {"DicomServerEnabled", false},
      {"RemoteAccessAllowed", false},
      {"AuthenticationEnabled", false},
      {"SaveJobs", false},
      // No in-memory storage cache (Orthanc 1.10 keeps 128 MB by default), so Orthanc serves a
      // stored file as a test changed it.
      {"MaximumStorageCacheSize", 0},
      {"HttpThreadsCount", 8},
      {"Plugins", {kDicomWebPlugin}},
      {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
  };
  std::ofstream out(path);
  out << config.dump(2);
  out.close();
  return out ? Status::Ok() : Status::IoError("writing " + path.string() + " failed");
}

}  // namespace

Status EnterLoopbackNetworkNamespace() {
  static bool entered = false;
  if (entered) {
    return Status::Ok();
  }
  if (::unshare(CLONE_NEWNET) != 0) {
    return Status::PermissionDenied(std::string("unshare(CLONE_NEWNET) failed: ") +
                                    std::strerror(errno) + "; gateway tests need root");
  }
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Status::IoError(std::string("socket() failed: ") + std::strerror(errno));
  }

  struct ifreq request {};

  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  int result = ::ioctl(fd, SIOCGIFFLAGS, &request);
  if (result == 0) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    result = ::ioctl(fd, SIOCSIFFLAGS, &request);
  }
  int saved_errno = errno;
  ::close(fd);
  if (result != 0) {
    return Status::IoError(std::string("bringing up lo failed: ") + std::strerror(saved_errno));
  }
  entered = true;
  return Status::Ok();
}

Result<std::unique_ptr<OrthancServer>> OrthancServer::Start(const std::filesystem::path& folder) {
  std::filesystem::path storage = folder / "orthanc-storage";
  std::filesystem::create_directories(storage);
  Result<uint16_t> port = FreePort();
  if (!port.ok()) {
    return port.status();
  }
  std::filesystem::path config = folder / "orthanc.json";
  Status written = WriteConfig(config, storage, *port);
  if (!written.ok()) {
    return written;
  }
  std::string log_path = (folder / "orthanc.log").string();
  pid_t pid = ::fork();
  if (pid < 0) {
    return Status::IoError(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execl(kOrthancBinary, kOrthancBinary, config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::unique_ptr<OrthancServer> server(new OrthancServer(pid, *port, storage));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = -1;
      return Status::IoError("Orthanc exited during start-up; see " + log_path);
    }
    Result<TestResponse> system = server->client_.Request("GET", "/system");
    if (system.ok() && system->status == 200) {
      return server;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::IoError("Orthanc did not answer on port " + std::to_string(*port) +
                         " within 30 s; see " + log_path);
}

OrthancServer::OrthancServer(pid_t pid, uint16_t port, std::filesystem::path storage_dir)
    : pid_(pid), port_(port), storage_dir_(std::move(storage_dir)), client_(port) {}

OrthancServer::~OrthancServer() {
  Stop();
}

void OrthancServer::Stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

Result<std::string> OrthancServer::Upload(const std::filesystem::path& dicom_file) {
  std::ifstream in(dicom_file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) {
    return Status::IoError("reading " + dicom_file.string() + " failed");
  }
  Result<TestResponse> response =
      client_.Request("POST", "/instances", {{"Content-Type", "application/dicom"}}, bytes.str());
  if (!response.ok()) {
    return response.status();
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || !body.is_object() || !body.contains("ID")) {
    return Status::IoError("Orthanc rejected " + dicom_file.string() + ": " +
                           std::to_string(response->status) + " " + response->body);
  }
  return body["ID"].get<std::string>();
}

Result<std::filesystem::path> OrthancServer::StoredFile(const std::string& instance_id) {
  Result<TestResponse> response =
      client_.Request("GET", "/instances/" + instance_id + "/attachments/dicom/info");
  if (!response.ok()) {
    return response.status();
  }
  nlohmann::json info = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || !info.is_object() || !info["Uuid"].is_string()) {
    return Status::NotFound("Orthanc has no DICOM attachment for instance " + instance_id + ": " +
                            std::to_string(response->status) + " " + response->body);
  }
  // Orthanc's filesystem storage: the first two pairs of hex digits name two folder levels.
  std::string name = info["Uuid"].get<std::string>();
  return storage_dir_ / name.substr(0, 2) / name.substr(2, 2) / name;
}

}  // namespace imledger::testing
