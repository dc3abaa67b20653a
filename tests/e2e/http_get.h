// A small HTTP/1.1 client for end-to-end tests of barazad's public web page:
// one request on a fresh connection to 127.0.0.1. Not thread-safe.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <string>

namespace baraza::testing {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

inline HttpAnswer HttpRequest(int port, const std::string& target, const std::string& method = "GET") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                static_cast<unsigned short>(port)));
  http::request<http::empty_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  http::read(stream, buffer, parser);
  HttpAnswer out;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  for (const auto& f : parser.get()) out.headers[std::string(f.name_string())] = std::string(f.value());
  beast::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

// The tags of a page without any of its text or attribute values: two pages
// with equal skeletons differ only in their data.
inline std::string HtmlSkeleton(const std::string& html) {
  std::string out;
  bool in_tag = false, in_value = false;
  for (char ch : html) {
    if (!in_tag) {
      if (ch == '<') {
        in_tag = true;
        out += ch;
      }
      continue;
    }
    if (ch == '"') {
      in_value = !in_value;
      continue;
    }
    if (in_value) continue;
    out += ch;
    if (ch == '>') {
      in_tag = false;
      out += '\n';
    }
  }
  return out;
}

}  // namespace baraza::testing
