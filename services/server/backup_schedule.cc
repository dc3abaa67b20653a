#include "services/server/backup_schedule.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "storage/sqlite_backup.h"

namespace baraza {
namespace {

constexpr const char* kPrefix = "barazad-";
constexpr const char* kSuffix = ".db";
// "barazad-" + "20261201T170000Z" + ".db"
constexpr size_t kStampLength = 16;
constexpr size_t kNameLength = 8 + kStampLength + 3;

// The longest the loop sleeps at once: a wall clock that jumps is noticed soon.
constexpr Millis kMaxSleep = 60 * kSecond;

}  // namespace

std::string BackupFileName(UnixMillis at) {
  std::time_t secs = static_cast<std::time_t>(at / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(kPrefix) + stamp + kSuffix;
}

std::optional<UnixMillis> BackupFileTime(const std::string& name) {
  if (name.size() != kNameLength || name.rfind(kPrefix, 0) != 0 ||
      name.compare(name.size() - 3, 3, kSuffix) != 0)
    return std::nullopt;
  std::string stamp = name.substr(8, kStampLength);
  for (size_t i = 0; i < stamp.size(); ++i) {
    bool digit = stamp[i] >= '0' && stamp[i] <= '9';
    if (i == 8 ? stamp[i] != 'T' : i == 15 ? stamp[i] != 'Z' : !digit) return std::nullopt;
  }
  std::tm tm{};
  auto num = [&](size_t at, size_t n) { return std::stoi(stamp.substr(at, n)); };
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  std::time_t secs = timegm(&tm);
  // Only a name BackupFileName would write (no 31st of February).
  if (secs < 0 || BackupFileName(static_cast<UnixMillis>(secs) * 1000) != name) return std::nullopt;
  return static_cast<UnixMillis>(secs) * 1000;
}

UnixMillis NextBackupAt(std::optional<UnixMillis> newest, std::optional<UnixMillis> last_attempt,
                        Millis every, UnixMillis now) {
  if (!newest && !last_attempt) return now;
  UnixMillis after = std::max(newest.value_or(0), last_attempt.value_or(0));
  // A backup named for a time still to come (the clock was set back) counts as
  // made now; it must not hold off the next one until then.
  return std::min(after, now) + every;
}

std::vector<std::string> BackupsToPrune(std::vector<std::string> names, int keep) {
  names.erase(std::remove_if(names.begin(), names.end(),
                             [](const std::string& n) { return !BackupFileTime(n); }),
              names.end());
  std::sort(names.begin(), names.end());  // the stamp sorts as the time does
  size_t kept = static_cast<size_t>(std::max(keep, 0));
  if (names.size() <= kept) return {};
  names.resize(names.size() - kept);
  return names;
}

BackupSchedule::BackupSchedule(std::string db, BackupScheduleOptions options, Clock& clock)
    : db_(std::move(db)), options_(std::move(options)), clock_(clock) {}

void BackupSchedule::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-backup");
    Loop();
  });
}

void BackupSchedule::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackupSchedule::Loop() {
  while (!stopping_) {  // until Stop(); each turn sleeps or makes one backup
    UnixMillis now = clock_.Now();
    UnixMillis due = NextBackupAt(NewestInFolder(), last_attempt_, options_.every, now);
    if (due <= now) {
      last_attempt_ = now;
      RunOnce(now);
      continue;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(std::min(due - now, kMaxSleep)),
                 [this] { return stopping_.load(); });
  }
}

std::optional<UnixMillis> BackupSchedule::NewestInFolder() {
  std::optional<UnixMillis> newest;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(options_.dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    auto at = BackupFileTime(it->path().filename());
    if (at && (!newest || *at > *newest)) newest = at;
  }
  return newest;
}

Status BackupSchedule::RunOnce(UnixMillis now) {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);  // mode 0700 under barazad's umask
  std::string path = (std::filesystem::path(options_.dir) / BackupFileName(now)).string();
  CopyOptions copy_options;
  copy_options.cancelled = [this] { return stopping_.load(); };
  auto copy = BackupDatabase(db_, path, copy_options);
  if (!copy.ok()) {
    spdlog::error("backup: {} failed, barazad serves on; next attempt in {} s: {}", path,
                  options_.every / kSecond, copy.status().message());
    return copy.status();
  }
  spdlog::info("backup: {} written ({} bytes, verified), head {}", path, copy->bytes,
               copy->head.ToString());
  std::vector<std::string> names;
  for (std::filesystem::directory_iterator it(options_.dir, ec), end; !ec && it != end;
       it.increment(ec))
    names.push_back(it->path().filename());
  if (ec) spdlog::warn("backup: cannot list {} to remove old backups: {}", options_.dir, ec.message());
  for (const auto& old : BackupsToPrune(names, options_.keep)) {
    std::error_code rm;
    std::filesystem::remove(std::filesystem::path(options_.dir) / old, rm);
    if (rm)
      spdlog::warn("backup: cannot remove the old backup {}: {}", old, rm.message());
    else
      spdlog::info("backup: removed {} (keeping the newest {})", old, options_.keep);
  }
  return Status::Ok();
}

}  // namespace baraza
