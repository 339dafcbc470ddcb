#include "network/listener.h"

namespace imledger::network {

Result<uint16_t> OpenListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                              uint16_t port) {
  namespace asio = boost::asio;
  boost::system::error_code error;
  asio::ip::address address = asio::ip::make_address(host, error);
  if (error) {
    return Status::InvalidArgument("listen_host '" + host +
                                   "' is not an IP address; use one such as 127.0.0.1");
  }
  asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), error);
  if (!error) {
    acceptor.set_option(asio::socket_base::reuse_address(true), error);
  }
  if (!error) {
    acceptor.bind(endpoint, error);
  }
  if (!error) {
    acceptor.listen(asio::socket_base::max_listen_connections, error);
  }
  if (error) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                           error.message() + "; choose a free port");
  }
  return acceptor.local_endpoint().port();
}

}  // namespace imledger::network
