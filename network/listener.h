// Opening a TCP listening socket, shared by the replica transport and the HTTP server.

#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "base/status.h"

namespace imledger::network {

// Opens, binds and listens `acceptor` on host:port (port 0 picks a free one) and returns the
// bound port. The errors name the host or port and state what to change.
Result<uint16_t> OpenListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                              uint16_t port);

}  // namespace imledger::network
