// What the two libcurl senders share: one curl_global_init per process, and
// owning handles. Internal to services/outreach; the init is thread-safe.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace baraza::outreach {

// curl_global_init is thread-safe only in a libcurl built with "threadsafe"
// (Debian 12's 7.88 is; older ones are not), so it runs once, whichever sender
// is made first. Never cleaned up: other threads may still hold handles at exit.
inline void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// Appends to a list that may be empty; false when out of memory.
inline bool Append(CurlList& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (!grown) return false;
  list.release();
  list.reset(grown);
  return true;
}

}  // namespace baraza::outreach
